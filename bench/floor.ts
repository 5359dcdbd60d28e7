// The floor for per-task overhead: a bare script with one open ssh2 connection (setNoDelay) that
// runs the same commands one after another, then exits. Bench code, not product code.
// Usage: node floor.js HOST_IP KEY_FILE KNOWN_HOSTS COUNT COMMAND...
import { readFileSync } from 'node:fs'
import ssh2 from 'ssh2'

const [ip, keyFile, knownHosts, countArg, ...cmdWords] = process.argv.slice(2)
const count = Number(countArg)
const command = cmdWords.join(' ')
if (!ip || !keyFile || !knownHosts || !Number.isInteger(count) || !command) {
  process.stderr.write('usage: floor.js HOST_IP KEY_FILE KNOWN_HOSTS COUNT COMMAND...\n')
  process.exit(2)
}

// The lab writes "name,fqdn,ip TYPE BASE64" lines; accept only the key listed for this address.
const expected = readFileSync(knownHosts, 'utf8')
  .split('\n')
  .map((l) => l.split(' '))
  .find((f) => (f[0] ?? '').split(',').includes(ip))?.[2]

const client = new ssh2.Client()
function exec(cmd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.exec(cmd, (err, ch) => {
      if (err) return reject(err)
      let rc = -1
      ch.on('data', () => {})
      ch.stderr.on('data', () => {})
      ch.on('exit', (code: number | null) => (rc = code ?? -1))
      ch.on('close', () => resolve(rc))
    })
  })
}

client.on('ready', async () => {
  try {
    for (let i = 0; i < count; i++) {
      const rc = await exec(command.replaceAll('{i}', String(i)))
      if (rc !== 0) throw new Error(`exit ${rc}: ${command}`)
    }
    client.end()
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`)
    process.exitCode = 1
    client.end()
  }
})
client.on('error', (e) => {
  process.stderr.write(`ssh: ${e.message}\n`)
  process.exit(1)
})
client.connect({
  host: ip,
  port: 22,
  username: 'root',
  privateKey: readFileSync(keyFile),
  hostVerifier: (key: Buffer) => key.toString('base64') === expected,
})
client.setNoDelay(true)
