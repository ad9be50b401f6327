/**
 * Bundles a TypeScript Lambda entry with esbuild at synth time into a directory a cdktf TerraformAsset
 * can zip. Nothing prebuilt is committed: a clean checkout synthesizes the same bundle.
 *
 * The directory is named by the bundle's content hash and its file gets a fixed mtime, so the zip cdktf
 * builds is byte-identical across synths and `cdktf deploy` only updates the function when code changed.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export interface LambdaBundleOptions {
  /** Absolute path of the TypeScript entry module exporting `handler`. */
  readonly entry: string;
  /** Short name for the output directory, e.g. `alerts`. */
  readonly name: string;
  /** esbuild target matching the Lambda runtime. Default `node22`. */
  readonly target?: string;
  /** Where bundles are written. Default `<os tmpdir>/kpufit-lambda-bundles`. */
  readonly outRoot?: string;
}

export interface LambdaBundle {
  /** Directory holding `index.js` (handler `index.handler`). */
  readonly dir: string;
  /** sha256 of the bundle, hex. */
  readonly sha256: string;
  readonly bytes: number;
}

/** 1980-01-01: the earliest time a zip entry can record. */
const FIXED_MTIME = new Date(Date.UTC(1980, 0, 1));

/** One esbuild run per entry and process: every stack (and test) of a synth shares the bundle. */
const bundled = new Map<string, LambdaBundle>();

export function bundleLambda(options: LambdaBundleOptions): LambdaBundle {
  const memoKey = JSON.stringify([options.entry, options.name, options.target, options.outRoot]);
  const known = bundled.get(memoKey);
  if (known && fs.existsSync(path.join(known.dir, 'index.js'))) return known;
  const bundle = build(options);
  bundled.set(memoKey, bundle);
  return bundle;
}

function build(options: LambdaBundleOptions): LambdaBundle {
  const { entry, name } = options;
  if (!fs.existsSync(entry)) throw new Error(`Lambda entry ${entry} not found`);
  let code: Uint8Array;
  try {
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: options.target ?? 'node22',
      // The SDK is bundled, not taken from the runtime, so the code that was tested is the code that runs.
      minify: true,
      keepNames: true,
      legalComments: 'none',
      write: false,
      outfile: 'index.js',
      logLevel: 'silent',
    });
    code = result.outputFiles[0].contents;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const detail = errors.map((m) => (m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text));
    throw new Error(`bundling Lambda ${name} (${entry}) failed: ${detail.join('; ') || (e as Error).message}`);
  }
  const sha256 = crypto.createHash('sha256').update(code).digest('hex');
  const dir = path.join(options.outRoot ?? path.join(os.tmpdir(), 'kpufit-lambda-bundles'), `${name}-${sha256.slice(0, 16)}`);
  const file = path.join(dir, 'index.js');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    // Write then rename: parallel synths (jest workers) never see a half-written bundle.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.utimesSync(tmp, FIXED_MTIME, FIXED_MTIME);
    fs.renameSync(tmp, file);
  }
  return { dir, sha256, bytes: code.byteLength };
}
