/**
 * Path rules of ZooKeeper 3.8 (PathUtils.validatePath and the parent lookups of
 * PrepRequestProcessor). The root is stored under "/" (ZooKeeper keeps it under both "" and "/").
 */

/** Why a path is invalid, or undefined when it is valid (PathUtils.validatePath). */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'Path length must be > 0';
  if (path.charCodeAt(0) !== 0x2f) return 'Path must start with / character';
  if (path.length === 1) return undefined;
  if (path.charCodeAt(path.length - 1) === 0x2f) return 'Path must not end with / character';
  let last = 0x2f;
  for (let i = 1; i < path.length; last = path.charCodeAt(i), i++) {
    const c = path.charCodeAt(i);
    if (c === 0) return `null character not allowed @${i}`;
    if (c === 0x2f && last === 0x2f) return `empty node name specified @${i}`;
    if (c === 0x2e && last === 0x2e) {
      if (path.charCodeAt(i - 2) === 0x2f && (i + 1 === path.length || path.charCodeAt(i + 1) === 0x2f))
        return `relative paths not allowed @${i}`;
    } else if (c === 0x2e) {
      if (path.charCodeAt(i - 1) === 0x2f && (i + 1 === path.length || path.charCodeAt(i + 1) === 0x2f))
        return `relative paths not allowed @${i}`;
    } else if (
      (c > 0 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      return `invalid character @${i}`;
    }
  }
  return undefined;
}

export function isValidPath(path: string): boolean {
  return pathProblem(path) === undefined;
}

/**
 * The parent key of a path as ZooKeeper computes it (`path.substring(0, lastSlash)`), mapped onto
 * our root key: "/a" -> "/", "/a/b" -> "/a", "/" -> "/" (ZooKeeper: ""; both name the root).
 * Undefined when the path has no '/' at all.
 */
export function parentOf(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  if (i < 0) return undefined;
  return i === 0 ? '/' : path.slice(0, i);
}

/** The last segment (after the last '/'). */
export function childNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export const ROOT = '/';
export const ZOOKEEPER = '/zookeeper';
export const QUOTA = '/zookeeper/quota';
export const CONFIG = '/zookeeper/config';

/** DataTree.isSpecialPath: nodes that can never be deleted. */
export function isSpecialPath(path: string): boolean {
  return path === ROOT || path === ZOOKEEPER || path === QUOTA || path === CONFIG;
}
