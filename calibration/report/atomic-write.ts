/**
 * Writes a set of files so that a reader never sees a half-written one: each is written to a temporary
 * file beside its target and renamed over it only after every temporary file is complete. rename(2) within
 * one directory is atomic, so a crash leaves either the old file or the new one, never a mix.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface FileToWrite {
  path: string;
  content: string;
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
}

/** Writes every file or none: on any failure the temporary files are removed and the targets untouched. */
export async function writeFilesAtomically(files: FileToWrite[]): Promise<string[]> {
  const staged: Array<{ temp: string; path: string }> = [];
  try {
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true });
      const temp = tempPathFor(file.path);
      staged.push({ temp, path: file.path });
      await writeFile(temp, file.content, { encoding: 'utf8', flag: 'wx' });
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    throw err;
  }
  for (const s of staged) await rename(s.temp, s.path);
  return staged.map((s) => s.path);
}

export async function writeFileAtomically(path: string, content: string): Promise<string> {
  const [written] = await writeFilesAtomically([{ path, content }]);
  return written;
}
