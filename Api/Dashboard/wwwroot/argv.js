// Splits a command line into an argv the way a POSIX shell would for plain words and quotes, and
// nothing more: 'single' quotes are literal, "double" quotes honour \" \\ \$ \`, a backslash outside
// quotes escapes the next character. No variables, globs or operators: tasks run an argv, not a
// shell line (docs/execution.md), so `sh -c "..."` is how to ask for a shell.
export function parseArgv(line) {
  const args = [];
  let word = null; // null: between words; '' is a real (empty) word such as ""
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null; else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) args.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (word !== null) args.push(word);
  return args;
}
