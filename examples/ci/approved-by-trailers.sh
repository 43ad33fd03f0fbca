#!/bin/sh
# Approved-by: trailers from a pull request's approvals, written into the merge commit, so that
# mkdocs-sms (approvals: {evidence: trailer}) finds evidence for every document the pull request approves.
#
#   approved-by-trailers.sh add MESSAGE_FILE < people
#       adds one "Approved-by: Name <email>" trailer to MESSAGE_FILE for each line "Name <email>" read
#       (blank lines and repeats are skipped); the rest of the message is kept as it is.
#   approved-by-trailers.sh github PR_NUMBER [IDENTITIES_FILE]
#       merges the pull request's head branch into the current branch with --no-ff and a message holding
#       one trailer per reviewer whose latest review approves it (GitHub CLI `gh`, GH_TOKEN set). GitHub
#       does not give reviewers' emails: IDENTITIES_FILE maps logins, one "login Name <email>" a line;
#       a login it does not name gets its no-reply address. Pushing the merge is left to the caller.
#
# GitLab needs no script: put %{approved_by} in the project's merge commit template (Settings > Merge
# requests); it expands to the same Approved-by: trailers.
set -eu

add() {
  message=$1
  set --
  while IFS= read -r person || [ -n "$person" ]; do
    case $person in
      *"<"*@*">"*) set -- "$@" --trailer "Approved-by: $person" ;;
      "") ;;
      *) echo "approved-by-trailers: '$person' is not 'Name <email>'" >&2; exit 2 ;;
    esac
  done
  git interpret-trailers --in-place --if-exists addIfDifferent "$@" "$message"
}

identity() {
  login=$1 identities=$2
  if [ -n "$identities" ] && line=$(grep -m1 "^$login " "$identities"); then
    printf '%s\n' "${line#"$login "}"
    return
  fi
  gh api "users/$login" --jq '(.name // .login) + " <" + (.id|tostring) + "+" + .login + "@users.noreply.github.com>"'
}

github() {
  number=$1 identities=${2:-}
  head=$(gh pr view "$number" --json headRefName --jq .headRefName)
  title=$(gh pr view "$number" --json title --jq .title)
  # Each reviewer's latest review decides: an approval withdrawn by "changes requested" is no approval.
  logins=$(gh api "repos/{owner}/{repo}/pulls/$number/reviews" --paginate \
    --jq '[.[] | select(.state != "COMMENTED")] | group_by(.user.login) | .[] | last
          | select(.state == "APPROVED") | .user.login')
  message=$(mktemp)
  printf 'Merge pull request #%s from %s\n\n%s\n' "$number" "$head" "$title" > "$message"
  for login in $logins; do identity "$login" "$identities"; done | add "$message"
  git fetch --quiet origin "$head"
  git merge --no-ff --file "$message" FETCH_HEAD
  rm -f "$message"
}

case ${1:-} in
  add) [ $# -eq 2 ] || { echo "usage: $0 add MESSAGE_FILE < people" >&2; exit 2; }; add "$2" ;;
  github) [ $# -ge 2 ] || { echo "usage: $0 github PR_NUMBER [IDENTITIES_FILE]" >&2; exit 2; }; github "$2" "${3:-}" ;;
  *) echo "usage: $0 add MESSAGE_FILE < people | github PR_NUMBER [IDENTITIES_FILE]" >&2; exit 2 ;;
esac
