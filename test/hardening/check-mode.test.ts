// --check writes nothing: a playbook using every file and system module runs in check mode
// against a tree (and the system files the system modules own); paths, modes, owners, sizes,
// mtimes and content hashes are the same before and after.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { stackTraceIn, tsplay } from './cli.js'

/** One line per path under `root`: type, mode, owner, size, mtime, sha256 (or link target). */
export function snapshot(root: string): string[] {
  const out: string[] = []
  const walk = (p: string): void => {
    const st = lstatSync(p)
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : st.isDirectory() ? 'dir' : 'other'
    out.push(`${p} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs} ${what}`)
    if (st.isDirectory()) for (const c of readdirSync(p).sort()) walk(join(p, c))
  }
  walk(root)
  return out
}

const SYSTEM_FILES = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/hostname']
const systemSnapshot = (): string[] => SYSTEM_FILES.filter(existsSync).flatMap((f) => snapshot(f))

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - copy: { content: "new\\n", dest: "{{ t }}/existing.txt", mode: "0600" }
    - copy: { src: "{{ playbook_dir }}/src.txt", dest: "{{ t }}/copied.txt" }
    - template: { src: "{{ playbook_dir }}/t.hbs", dest: "{{ t }}/existing.txt" }
    - file: { path: "{{ t }}/newdir", state: directory }
    - file: { path: "{{ t }}/existing.txt", mode: "0777" }
    - file: { path: "{{ t }}/touched", state: touch }
    - file: { path: "{{ t }}/old.txt", state: absent }
    - file: { path: "{{ t }}/link", src: "{{ t }}/old.txt", state: link, force: true }
    - file: { path: "{{ t }}/sub", state: absent }
    - lineinfile: { path: "{{ t }}/existing.txt", line: "added line" }
    - lineinfile: { path: "{{ t }}/existing.txt", regexp: "^old", state: absent }
    - lineinfile: { path: "{{ t }}/created.txt", line: "x", create: true }
    - blockinfile: { path: "{{ t }}/existing.txt", block: "a\\nb" }
    - stat: { path: "{{ t }}/existing.txt" }
    - slurp: { src: "{{ t }}/existing.txt" }
    - command: touch {{ t }}/by-command
    - shell: echo x > {{ t }}/by-shell
    - sysctl: { name: vm.swappiness, value: "7", sysctl_file: "{{ t }}/99-test.conf" }
    - group: { name: tsplay-check-grp, state: present }
    - user: { name: tsplay-check-usr, state: present, groups: [users] }
    - user: { name: root, shell: /bin/false }
    - hostname: { name: tsplay-check-mode-host }
`

describe('--check writes nothing', () => {
  let dir = ''
  after(() => rmSync(dir, { recursive: true, force: true }))
  it('every file and system module predicts changes and the tree is byte-for-byte the same', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-check-'))
    const t = join(dir, 'tree')
    mkdirSync(join(t, 'sub', 'deeper'), { recursive: true })
    writeFileSync(join(t, 'existing.txt'), 'old line\nkeep\n', { mode: 0o644 })
    writeFileSync(join(t, 'old.txt'), 'old\n')
    writeFileSync(join(t, 'sub', 'deeper', 'f'), 'f\n')
    writeFileSync(join(t, '99-test.conf'), 'vm.swappiness = 60\n')
    symlinkSync('existing.txt', join(t, 'link'))
    writeFileSync(join(dir, 'src.txt'), 'source\n')
    writeFileSync(join(dir, 't.hbs'), 'templated {{ t }}\n')
    writeFileSync(join(dir, 'playbook.yml'), PLAYBOOK)
    const before = snapshot(t)
    const sysBefore = systemSnapshot()
    const r = await tsplay(['playbook.yml', '--check', '--diff', '-e', `t=${t}`], { cwd: dir })
    assert.equal(stackTraceIn(r.stdout + r.stderr), undefined, r.stderr)
    assert.equal(r.code, 0, r.stdout + r.stderr)
    // The run did predict changes: check mode was not a no-op.
    assert.match(r.stdout, /localhost\s+: ok=\d+\s+changed=(1\d|[5-9])/)
    assert.deepEqual(snapshot(t), before)
    assert.deepEqual(systemSnapshot(), sysBefore)
  })
})
