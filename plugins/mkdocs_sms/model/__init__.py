"""Documents, their front-matter and the schema it must follow."""
