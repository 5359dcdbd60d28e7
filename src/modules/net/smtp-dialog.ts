// The shell side of an SMTP dialogue over bash's /dev/tcp, shared by smtp_probe and smtp_send:
// connect to $1:$2, read a (multi-line) reply into $l within $T seconds, send a line. Constant
// text: values only ever arrive as positional parameters.
export const SMTP_DIALOG = `exec 3<>"/dev/tcp/$1/$2" || exit 3
reply() {
  while IFS= read -r -t "$T" l <&3; do
    l=\${l%$'\\r'}
    printf 'S: %s\\n' "$l"
    case $l in [0-9][0-9][0-9]-*) ;; *) return 0 ;; esac
  done
  return 1
}
say() { printf '%s\\r\\n' "$1" >&3 && printf 'C: %s\\n' "$1"; }
`
