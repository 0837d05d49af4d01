/** Kept equal to package.json's version (a test checks), so `--version` needs no file read. */
export const VERSION = '1.0.0';
