/**
 * Where a command will write, checked before it does any work: a calibration that ran for an hour must not
 * fail at its last step because --out named an existing file, a read-only directory or /proc. Every
 * problem is an InputError naming the flag. Existing files are never replaced unless the user says --force.
 */
import { accessSync, constants, realpathSync, statSync, statfsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError } from './errors';

/** Kernel file systems where a "file" is not storage (statfs f_type magic numbers, linux/magic.h). */
const SPECIAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x64626720, 'debugfs'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'],
  [0x1cd1, 'devpts'], [0x73636673, 'securityfs'], [0x6e736673, 'nsfs'], [0xcafe4a11, 'bpf'], [0x74726163, 'tracefs'],
]);
/** Trees that are device nodes and kernel views, whatever their file system reports. */
const SPECIAL_TREES = ['/proc', '/sys', '/dev'];

export interface OutputCheck {
  /** The flag that named the location, for the message (e.g. "--out"). */
  flag: string;
  /** Replace existing files. @default false */
  force?: boolean;
  /** The file is appended to (a dead-letter file), so an existing one is fine. @default false */
  append?: boolean;
}

function stat(path: string) {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The deepest ancestor of `path` (itself included) that exists. */
function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!stat(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

function checkFileSystem(flag: string, path: string): void {
  const real = realpathSync(existingAncestor(path));
  const tree = SPECIAL_TREES.find((t) => real === t || real.startsWith(`${t}${sep}`));
  let kind = tree ? tree.slice(1) : undefined;
  if (!kind) {
    try {
      kind = SPECIAL_FILE_SYSTEMS.get(Number(statfsSync(real).type));
    } catch {
      // statfs unsupported here: the tree check above still holds
    }
  }
  if (kind) throw new InputError(`${flag} ${path}: is on the ${kind} file system, not storage; choose a directory on a disk`);
}

function checkWritableAncestor(flag: string, path: string): void {
  const ancestor = existingAncestor(path);
  if (!stat(ancestor)!.isDirectory()) throw new InputError(`${flag} ${path}: ${ancestor} is a file, not a directory`);
  try {
    accessSync(ancestor, constants.W_OK | constants.X_OK);
  } catch {
    throw new InputError(`${flag} ${path}: cannot write in ${ancestor} (permission denied)`);
  }
}

/**
 * A directory the command fills with `files` (report.json...): it may exist, but must be a directory,
 * writable, on a real file system, and hold none of `files` unless `force`.
 */
export function checkOutputDirectory(path: string, files: readonly string[], check: OutputCheck): void {
  if (!path) throw new InputError(`${check.flag}: must name a directory`);
  checkFileSystem(check.flag, path);
  const s = stat(path);
  if (s && !s.isDirectory()) throw new InputError(`${check.flag} ${path}: is an existing file, not a directory`);
  checkWritableAncestor(check.flag, path);
  if (s && !check.force) {
    const existing = files.find((f) => stat(join(path, f)));
    if (existing) throw new InputError(`${check.flag} ${path}: ${join(path, existing)} exists; pass --force to overwrite it or choose another ${check.flag}`);
  }
}

/** A file the command creates: not an existing file (unless `force`), not a directory, in a writable directory. */
export function checkOutputFile(path: string, check: OutputCheck): void {
  if (!path) throw new InputError(`${check.flag}: must name a file`);
  checkFileSystem(check.flag, path);
  const s = stat(path);
  if (s?.isDirectory()) throw new InputError(`${check.flag} ${path}: is a directory; name a file`);
  if (s && !s.isFile()) throw new InputError(`${check.flag} ${path}: is not a regular file`);
  if (s && !check.force && !check.append) throw new InputError(`${check.flag} ${path}: exists; pass --force to overwrite it or choose another file`);
  checkWritableAncestor(check.flag, dirname(resolve(path)));
}
