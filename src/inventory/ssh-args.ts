// The parts of Ansible's ansible_ssh_common_args / ansible_ssh_extra_args that tsplay can honour
// with its own ssh client: a jump host (-J, ProxyJump, ProxyCommand "ssh -W %h:%p") and -F.
// Other OpenSSH options have no ssh2 equivalent and are left alone.

/** Split an option string into words, honouring single and double quotes. */
export function shellWords(s: string): string[] {
  const words: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g
  let cur = ''
  let last = -1
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const part = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? '')
    // Adjacent pieces (-o"ProxyJump x") form one word.
    if (m.index === last) cur += part
    else {
      if (last >= 0) words.push(cur)
      cur = part
    }
    last = re.lastIndex
  }
  if (last >= 0) words.push(cur)
  return words
}

/** `-o Key=Value` / `-oKey=Value` / `-o Key Value` options, keys lower-cased. */
function options(words: string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    const opt = w === '-o' ? words[++i] : w.startsWith('-o') ? w.slice(2) : undefined
    if (opt === undefined) continue
    const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/s.exec(opt)
    if (m) out.set(m[1]!.toLowerCase(), m[2]!.trim())
  }
  return out
}

function flag(words: string[], name: string): string | undefined {
  let found: string | undefined
  words.forEach((w, i) => {
    if (w === name) found = words[i + 1]
    else if (w.startsWith(name) && w.length > name.length) found = w.slice(name.length)
  })
  return found
}

/** The jump host from -J, ProxyJump, or ProxyCommand "ssh [-p N] ... -W %h:%p [user@]host". */
export function proxyFromSshArgs(args: string): string | undefined {
  if (!args.trim()) return undefined
  const words = shellWords(args)
  const opts = options(words)
  const jump = flag(words, '-J') ?? opts.get('proxyjump')
  if (jump) return jump
  const command = opts.get('proxycommand')
  if (!command || !/-W\s*%h:%p/.test(command)) return undefined
  const cmd = shellWords(command)
  if (cmd[0] !== 'ssh' && !cmd[0]?.endsWith('/ssh')) return undefined
  // The last word that is neither an option nor an option's value is the jump host.
  const withValue = new Set(['-W', '-p', '-l', '-i', '-o', '-F', '-J'])
  let host: string | undefined
  for (let i = 1; i < cmd.length; i++) {
    const w = cmd[i]!
    if (withValue.has(w)) i++
    else if (!w.startsWith('-')) host = w
  }
  if (!host) return undefined
  const user = flag(cmd, '-l')
  const port = flag(cmd, '-p')
  return `${user && !host.includes('@') ? `${user}@` : ''}${host}${port ? `:${port}` : ''}`
}

/** The ssh_config file given with -F. */
export function sshConfigFromSshArgs(args: string): string | undefined {
  return args.trim() ? flag(shellWords(args), '-F') : undefined
}
