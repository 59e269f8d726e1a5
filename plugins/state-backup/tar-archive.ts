import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * A small tar (POSIX ustar, with pax headers for long names) + gzip codec for backups: regular
 * files only, whole archives in memory (Orch state is JSON of modest size). Written by us so a
 * backup never depends on the system `tar` and can be verified byte for byte after it is written.
 */
export interface ArchiveEntry {
  /** Forward-slash path relative to the home, e.g. `state/approvals/pending.json`. */
  path: string;
  data: Buffer;
  /** Modification time (seconds are kept). */
  mtime: Date;
}

const BLOCK = 512;

export function packTarGz(entries: ArchiveEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const name = Buffer.from(entry.path, 'utf8');
    if (name.length > 100) {
      const record = paxRecord('path', entry.path);
      blocks.push(header(`PaxHeader/${entry.path.slice(-80)}`, record.length, entry.mtime, 'x'), pad(record));
    }
    blocks.push(header(entry.path, entry.data.length, entry.mtime, '0'), pad(entry.data));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** The entries of a `.tar.gz`; a damaged archive is an error saying where it breaks. */
export function unpackTarGz(archive: Buffer): ArchiveEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (error) {
    throw new Error(`not a readable gzip file (${(error as Error).message})`);
  }
  const entries: ArchiveEntry[] = [];
  let offset = 0;
  let longPath: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block)) throw new Error(`damaged tar header at byte ${offset}`);
    const size = parseOctal(block.subarray(124, 136));
    const type = String.fromCharCode(block[156]!);
    const dataStart = offset + BLOCK;
    if (dataStart + size > tar.length) throw new Error(`truncated tar entry at byte ${offset}`);
    const data = Buffer.from(tar.subarray(dataStart, dataStart + size));
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longPath = parsePax(data).path ?? longPath;
      continue;
    }
    const prefix = cString(block.subarray(345, 500));
    const name = cString(block.subarray(0, 100));
    const path = longPath ?? (prefix ? `${prefix}/${name}` : name);
    longPath = undefined;
    if (type !== '0' && type !== '\0') continue; // directories, links: backups hold regular files only
    entries.push({ path, data, mtime: new Date(parseOctal(block.subarray(136, 148)) * 1000) });
  }
  return entries;
}

function header(path: string, size: number, mtime: Date, type: '0' | 'x'): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, name] = splitName(path);
  block.write(name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, type === 'x' ? 0o644 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.floor(mtime.getTime() / 1000));
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  block.write(type, 156, 1, 'latin1');
  block.write('ustar\0', 257, 6, 'latin1');
  block.write('00', 263, 2, 'latin1');
  block.write('orch', 265, 32, 'utf8');
  block.write('orch', 297, 32, 'utf8');
  block.write(prefix, 345, 155, 'utf8');
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

/** ustar keeps 100 bytes of name and 155 of prefix; longer paths go in a pax header (name truncated here). */
function splitName(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  const cut = path.lastIndexOf('/', path.length - 1);
  const prefix = cut > 0 ? path.slice(0, cut) : '';
  const name = cut > 0 ? path.slice(cut + 1) : path;
  if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  return ['', Buffer.from(path).subarray(-100).toString('utf8')];
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return Buffer.from(`${length}${body}`, 'utf8');
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.subarray(offset, space).toString('latin1'));
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return out;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

function parseOctal(field: Buffer): number {
  const text = cString(field).trim();
  return text ? parseInt(text, 8) : 0;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function checksumOk(block: Buffer): boolean {
  const stored = parseOctal(block.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === stored;
}
