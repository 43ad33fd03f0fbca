"""mkdocs-sms: an ISO/IEC 20000-1 service management system handbook for MkDocs."""

__version__ = "0.1.0"
