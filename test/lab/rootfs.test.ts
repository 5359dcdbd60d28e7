// The root filesystems of other Debian releases: which archive, which cache folder, which lower
// layer, and one build at a time (lock). Real files in a temp folder; no debootstrap run here
// (test/e2e/releases.test.ts boots hosts from the real trees).
import { describe, test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOTFS_PACKAGES, archiveUrl, ensureRootfs, machineRelease, parseRelease, rootfsDir } from '../../src/lab/rootfs.js'

const tmp = mkdtempSync(join(tmpdir(), 'tsplay-rootfs-test-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

describe('rootfs', () => {
  test("the archive comes from the machine's apt sources, deb822 or one-line, never -security", () => {
    const deb822 = join(tmp, 'a')
    mkdirSync(join(deb822, 'sources.list.d'), { recursive: true })
    writeFileSync(join(deb822, 'sources.list.d', 'debian.sources'),
      'Types: deb\nURIs: http://security.debian.org/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm\n')
    assert.equal(archiveUrl(deb822), 'http://mirror.example/debian')
    const oneLine = join(tmp, 'b')
    mkdirSync(oneLine)
    writeFileSync(join(oneLine, 'sources.list'), '# comment\ndeb [arch=amd64] https://deb.example.org/debian bookworm main\n')
    assert.equal(archiveUrl(oneLine), 'https://deb.example.org/debian')
    assert.equal(archiveUrl(join(tmp, 'none')), 'http://deb.debian.org/debian')
  })

  test('the cache folder is per release and per package list', () => {
    const a = rootfsDir('trixie', ROOTFS_PACKAGES, '/c')
    assert.match(a, /^\/c\/trixie-[0-9a-f]{12}$/)
    assert.equal(rootfsDir('trixie', ROOTFS_PACKAGES, '/c'), a)
    assert.notEqual(rootfsDir('trixie', [...ROOTFS_PACKAGES, 'vim'], '/c'), a)
    assert.notEqual(rootfsDir('bullseye', ROOTFS_PACKAGES, '/c'), a)
  })

  test('releases are checked by name; the machine release keeps / as lower layer', async () => {
    assert.equal(parseRelease('bullseye', '--old-release'), 'bullseye')
    assert.throws(() => parseRelease('buster', '--old-release'), /--old-release must be one of bullseye, bookworm, trixie, not 'buster'/)
    const os = join(tmp, 'os-release')
    writeFileSync(os, 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_CODENAME=trixie\n')
    assert.equal(machineRelease(os), 'trixie')
    assert.equal(await ensureRootfs(machineRelease(), () => {}), '/')
  })

  test('a cached tree is used as it is, by every caller at once', async () => {
    const cache = join(tmp, 'cache')
    process.env.TSPLAY_ROOTFS_CACHE = cache
    try {
      const other = machineRelease() === 'trixie' ? 'bookworm' : 'trixie'
      const dir = rootfsDir(other)
      mkdirSync(join(dir, 'etc'), { recursive: true })
      const lines: string[] = []
      const got = await Promise.all([1, 2, 3].map(() => ensureRootfs(other, (l) => lines.push(l))))
      assert.deepEqual(got, [dir, dir, dir])
      assert.deepEqual(lines, [], 'nothing built')
    } finally {
      delete process.env.TSPLAY_ROOTFS_CACHE
    }
  })
})
