// Builds BoneTrack's plotly.js bundle from the npm registry's plotly.js (the version
// Python's plotly package draws with: tests/test_static.py checks it).
//   make plotly     (npm install here, then node .ci/plotly/build.mjs)
// Writes static/vendor/plotly/plotly-bonetrack.min.js and, beside it, BUILD.txt (the
// versions and licences of every npm package inside, and the bundle's SHA-256) and
// THIRD-PARTY-LICENSES.txt (their licence texts, which BSD and zlib ask to travel along).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, '..', '..', 'static', 'vendor', 'plotly');
const outfile = join(vendor, 'plotly-bonetrack.min.js');
const pkg = (name) => JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json')));
const plotly = pkg('plotly.js').version;

// Only map traces need maplibre's stylesheet (src/registry.js requires it for them).
const noCss = {
  name: 'no-css',
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) => ({ path: args.path, namespace: 'no-css' }));
    build.onLoad({ filter: /.*/, namespace: 'no-css' }, () => ({ contents: '', loader: 'js' }));
  },
};

const result = await esbuild.build({
  entryPoints: [join(here, 'entry.js')],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'Plotly',
  target: 'es2016', // as plotly.js's own esbuild-config.js
  define: { global: 'window', 'define.amd': 'false' },
  banner: {
    js: `/*! plotly.js v${plotly} (BoneTrack bundle: scatter, bar; .ci/plotly) | (c) Plotly, Inc. | MIT */`,
  },
  legalComments: 'eof',
  plugins: [noCss],
  metafile: true,
  logLevel: 'warning',
});

const packages = new Map();
const licences = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) continue;
  const name = parts[at + 1].startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
  const folder = join(...parts.slice(0, at + 1), name);
  const meta = JSON.parse(readFileSync(join(folder, 'package.json')));
  packages.set(name, `${name}@${meta.version} (${meta.license})`);
  const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const author = typeof meta.author === 'object' ? meta.author.name : meta.author;
  licences.set(
    name,
    file
      ? readFileSync(join(folder, file), 'utf8').trim()
      : `${meta.license}; the package carries no licence file (author: ${author}).`,
  );
}
writeFileSync(
  join(vendor, 'THIRD-PARTY-LICENSES.txt'),
  [...licences.keys()]
    .sort()
    .map((name) => `${packages.get(name)}\n\n${licences.get(name)}\n`)
    .join(`\n${'-'.repeat(72)}\n\n`),
);
const bundle = readFileSync(outfile);
writeFileSync(
  join(vendor, 'BUILD.txt'),
  [
    `${relative(join(here, '..', '..'), outfile)}: plotly.js ${plotly}, built with esbuild ${pkg('esbuild').version} on node ${process.version}`,
    `by \`make plotly\` from .ci/plotly/entry.js (what is in and what is left out, and why).`,
    `sha256 ${createHash('sha256').update(bundle).digest('hex')}, ${bundle.length} bytes`,
    'npm packages inside:',
    ...[...packages.values()].sort().map((line) => `  ${line}`),
    '',
  ].join('\n'),
);
console.log(`${outfile}: ${bundle.length} bytes`);
