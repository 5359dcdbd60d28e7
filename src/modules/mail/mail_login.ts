// mail_login: log in to POP3 (USER/PASS) and IMAP (LOGIN) from the target as a mail user, the
// way a mail client does, and report each server's answer. Reads only; bash /dev/tcp, no python.
// It verifies what the run set up, so --check skips it (checkMode 'verify').
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface MailLoginArgs {
  host: string
  user: string
  password: string
  pop3: boolean
  pop3_port: number
  imap: boolean
  imap_port: number
  timeout: number
}

export interface MailLoginState {
  rc: number | null
  /** One line per protocol: 'POP3 127.0.0.1:110: login as alice OK' or why not. */
  lines: string[]
}

/**
 * A constant script: host, timeout and ports are positional parameters, the user and password
 * arrive on stdin (never on a command line) and are never echoed back.
 */
const SCRIPT = `set -u
IFS= read -r user; IFS= read -r pass
addr=$1; t=$2
line=''; last=''
rd() {
  local rc=0
  IFS= read -r -t "$t" line <&3 || rc=$?
  if (( rc == 0 )); then line=\${line%$'\\r'}; last=$line; return 0; fi
  if (( rc > 128 )); then line="(no answer within \${t}s)"; else line="(connection closed\${last:+ after: $last})"; fi
  return 1
}
pop3() {
  local p=$1 who="POP3 $addr:$1"
  exec 3<>"/dev/tcp/$addr/$p" || { echo "$who: cannot connect"; return 1; }
  rd && [[ $line == '+OK'* ]] || { echo "$who: unexpected greeting: $line"; return 1; }
  printf 'USER %s\\r\\n' "$user" >&3
  rd && [[ $line == '+OK'* ]] || { echo "$who: USER $user: $line"; return 1; }
  printf 'PASS %s\\r\\n' "$pass" >&3
  rd
  if [[ $line == '+OK'* ]]; then echo "$who: login as $user OK"; printf 'QUIT\\r\\n' >&3; exec 3>&-; return 0; fi
  echo "$who: login as $user refused: $line"; exec 3>&-; return 1
}
iq() { local s=\${1//\\\\/\\\\\\\\}; printf '"%s"' "\${s//\\"/\\\\\\"}"; }
imap() {
  local p=$1 who="IMAP $addr:$1"
  exec 3<>"/dev/tcp/$addr/$p" || { echo "$who: cannot connect"; return 1; }
  rd && [[ $line == '* OK'* ]] || { echo "$who: unexpected greeting: $line"; return 1; }
  printf 'a LOGIN %s %s\\r\\n' "$(iq "$user")" "$(iq "$pass")" >&3
  last=''
  while rd; do
    case $line in
      'a OK'*) echo "$who: login as $user OK"; printf 'b LOGOUT\\r\\n' >&3; exec 3>&-; return 0 ;;
      'a '*) echo "$who: login as $user refused: $line"; exec 3>&-; return 1 ;;
    esac
  done
  echo "$who: LOGIN $user: $line"; return 1
}
rc=0
if [ -n "$3" ]; then pop3 "$3" || rc=1; fi
if [ -n "$4" ]; then imap "$4" || rc=1; fi
exit $rc`

const NO_CRLF = '^[^\\r\\n]*$'

export const mailLogin = defineModule<MailLoginArgs, MailLoginState>({
  name: 'mail_login',
  description: 'Log in to POP3 and IMAP from the target as a mail user; fails with each server\'s answer. Skipped in --check.',
  checkMode: 'verify',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'password'],
    properties: {
      host: { type: 'string', default: '127.0.0.1', pattern: '^[^\\s/]+$', description: 'Server address, as seen from the target.' },
      user: { type: 'string', minLength: 1, pattern: NO_CRLF, description: 'Mail user to log in as.' },
      password: { type: 'string', pattern: NO_CRLF, description: 'Its password (sent on stdin, never on a command line; use no_log).' },
      pop3: { type: 'boolean', default: true, description: 'Log in over POP3 (USER/PASS).' },
      pop3_port: { type: 'integer', minimum: 1, maximum: 65535, default: 110, description: 'POP3 port.' },
      imap: { type: 'boolean', default: true, description: 'Log in over IMAP (LOGIN).' },
      imap_port: { type: 'integer', minimum: 1, maximum: 65535, default: 143, description: 'IMAP port.' },
      timeout: { type: 'number', minimum: 0.1, default: 10, description: 'Seconds to wait for each server reply.' },
    },
  },
  example: ['- name: alice can read her mail on the new server', '  mail_login:', '    user: alice', '    password: "{{ alice_password }}"', '  no_log: true'].join('\n'),

  async gather(args, ctx) {
    const ports = [args.pop3 ? String(args.pop3_port) : '', args.imap ? String(args.imap_port) : '']
    const r = await read(ctx, sh`bash -c ${SCRIPT} mail_login ${args.host} ${String(args.timeout)} ${ports[0]} ${ports[1]}`, {
      stdin: `${args.user}\n${args.password}\n`,
      // Each protocol: connect, greeting, two answers; plus start-up.
      timeoutMs: (args.timeout * 8 + 5) * 1000,
      okCodes: 'any',
    })
    return { rc: r.timedOut ? 4 : r.rc, lines: r.stdout.split('\n').filter((l) => l !== '') }
  },

  plan(args, state) {
    const said = state.lines.join('; ')
    if (!args.pop3 && !args.imap) return { changes: [], reason: 'no protocol to check (pop3 and imap are false)' }
    if (state.rc !== 0) return { changes: [], failed: `mail login failed for ${args.user} at ${args.host}: ${said || `exit code ${state.rc}`}`, data: { results: state.lines } }
    return { changes: [], reason: said, data: { results: state.lines } }
  },
})
