// Prefixed, coloured console lines: `[web]      …`, `[temporal] …`.
const PALETTE: Record<string, number> = { stack: 90, postgres: 34, temporal: 35, vault: 36, stripe: 33, mail: 91, web: 32, worker: 94, sandbox: 95, migrate: 93 };
const WIDTH = 10;

let colour = process.stdout.isTTY;

export function setColour(on: boolean): void {
  colour = on;
}

export function paint(code: number, text: string): string {
  return colour ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export function prefix(name: string): string {
  return paint(PALETTE[name] ?? 37, `[${name}]`.padEnd(WIDTH));
}

export function say(name: string, line: string): void {
  process.stdout.write(`${prefix(name)} ${line}\n`);
}

export function warn(name: string, line: string): void {
  process.stderr.write(`${prefix(name)} ${paint(33, line)}\n`);
}

export function bold(text: string): string {
  return paint(1, text);
}
