// The bench's peer: @kenjiuno/msgreader parsing every .msg of a folder in
// one Node process, writing nothing (parse only).  Prints "N parsed in S
// seconds" (file reads included, Node's start-up not).  make bench installs
// the package into build/node (scripts/bench.sh).
// usage: node bench-msgreader.js DIR
const fs = require('fs');
const path = require('path');
const MsgReader = require('@kenjiuno/msgreader').default;

const dir = process.argv[2];
const start = process.hrtime.bigint();
let parsed = 0;
for (const name of fs.readdirSync(dir).sort()) {
  if (!name.toLowerCase().endsWith('.msg')) continue;
  const info = new MsgReader(fs.readFileSync(path.join(dir, name))).getFileData();
  if (info.error) {
    console.error(`${name}: ${info.error}`);
    process.exit(1);
  }
  parsed++;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`${parsed} parsed in ${seconds.toFixed(3)} seconds`);
