/**
 * Which local files `file_path` may read. Uploads read only regular files that resolve (after
 * following every symlink) inside one root directory. Over HTTP there is no root unless the
 * operator sets --upload-dir: a remote client must not read the server's disk. Over stdio the
 * root defaults to the working directory.
 *
 * An error never tells whether a path outside the root exists, nor anything about it: every
 * refusal for such a path reads the same. /proc, /sys and /dev are refused even when the root
 * contains them, as are FIFOs, sockets and device files.
 */
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

export interface FileAccess {
  /** The directory uploads may read from (any form; resolved on use). Undefined: file_path is refused. */
  readonly root?: string;
  /** Why there is no root, told to the client. */
  readonly disabledReason?: string;
}

export class FileAccessError extends Error {
  override name = "FileAccessError";
}

const SPECIAL_ROOTS = ["/proc", "/sys", "/dev"];

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function special(path: string): boolean {
  return SPECIAL_ROOTS.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Reads one upload from disk under the access rules; throws FileAccessError with a message safe to show. */
export async function readConfinedFile(filePath: string, access: FileAccess, maxBytes: number): Promise<Buffer> {
  if (access.root === undefined) {
    throw new FileAccessError(
      `file_path is turned off: ${access.disabledReason ?? "this server reads no local files"}. Send the content as file_base64 (with file_name) instead.`,
    );
  }
  let root: string;
  try {
    root = await realpath(access.root);
  } catch {
    throw new FileAccessError("file_path: the server's upload directory is missing or unreadable; ask its operator to check --upload-dir.");
  }
  const outside = new FileAccessError(
    `file_path: ${JSON.stringify(filePath)} is not a readable file inside the upload directory. Only regular files under ${root} can be sent (paths relative to it work too); otherwise use file_base64.`,
  );
  if (filePath.includes("\0")) throw outside;
  const wanted = resolve(root, filePath);
  if (!inside(root, wanted) || special(wanted)) throw outside;

  let real: string;
  try {
    real = await realpath(wanted);
  } catch {
    // Saying "no such file" is safe only when the directory it would be in is itself inside the root.
    const parent = await realpath(dirname(wanted)).catch(() => undefined);
    if (parent && inside(root, parent) && !special(parent)) throw new FileAccessError(`file_path: no file ${JSON.stringify(filePath)} in the upload directory ${root}.`);
    throw outside;
  }
  if (!inside(root, real) || special(real)) throw outside;

  // O_NOFOLLOW: the path was resolved; a symlink swapped in since is refused. O_NONBLOCK: a FIFO cannot hang the open.
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    throw outside;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileAccessError(`file_path: ${JSON.stringify(filePath)} is not a regular file (a directory, device, FIFO or socket); only regular files can be sent.`);
    if (info.size > maxBytes) throw new FileAccessError(`file_path: the file is ${info.size} bytes; the limit is ${maxBytes}.`);
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes) throw new FileAccessError(`file_path: the file is over the ${maxBytes}-byte limit.`);
    return bytes;
  } finally {
    await handle.close();
  }
}
