#!/usr/bin/env node
/*
 * A package registry for one scope, read-only, on 127.0.0.1: it serves the packed tarballs in
 * a folder the way the npm registry serves published packages (packument, then tarball), so
 * that the stock app installs Greenlight with the very `yarn add` commands of docs/install.md.
 * Every other package still comes from the real registry.
 *
 * usage: registry.js <tarball folder> <port file>
 * Writes the port it listens on to <port file> once it is ready.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');

const [folder, portFile] = process.argv.slice(2);

/** package.json of a .tgz, read from the tar stream without unpacking anything. */
function manifestOf(tarball) {
  const tar = zlib.gunzipSync(fs.readFileSync(tarball));
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar
      .toString('utf8', offset, offset + 100)
      .replace(/\0.*$/s, '');
    const size = parseInt(
      tar.toString('utf8', offset + 124, offset + 136).trim() || '0',
      8,
    );
    if (name.replace(/^[^/]+\//, '') === 'package.json') {
      return JSON.parse(
        tar.toString('utf8', offset + 512, offset + 512 + size),
      );
    }
    offset += 512 + Math.ceil(size / 512) * 512;
    if (!name) break;
  }
  throw new Error(`${tarball} has no package.json`);
}

const packages = new Map();
for (const file of fs.readdirSync(folder).filter(f => f.endsWith('.tgz'))) {
  const tarball = path.join(folder, file);
  const manifest = manifestOf(tarball);
  const bytes = fs.readFileSync(tarball);
  packages.set(manifest.name, {
    manifest,
    file,
    shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
    integrity: `sha512-${crypto
      .createHash('sha512')
      .update(bytes)
      .digest('base64')}`,
    published: fs.statSync(tarball).mtime.toISOString(),
  });
}

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(
    1,
  );
  const tarball = /^-\/(.+)$/.exec(url);
  if (tarball) {
    const entry = [...packages.values()].find(p => p.file === tarball[1]);
    if (!entry) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    return void fs.createReadStream(path.join(folder, entry.file)).pipe(res);
  }
  const entry = packages.get(url);
  if (!entry) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    return void res.end(JSON.stringify({ error: 'not found' }));
  }
  const { manifest } = entry;
  const base = `http://${req.headers.host}`;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(
    JSON.stringify({
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      time: { [manifest.version]: entry.published, modified: entry.published },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: {
            tarball: `${base}/-/${encodeURIComponent(entry.file)}`,
            shasum: entry.shasum,
            integrity: entry.integrity,
          },
        },
      },
    }),
  );
});

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile, String(server.address().port));
  console.log(
    `registry: ${[...packages.keys()].join(', ')} on port ${
      server.address().port
    }`,
  );
});
