import type { LinePrefilter } from "./log-prefilter.js";

// The log reader's types, apart so that the reader and its gzip half share them without importing each other.

/** FileMemory is what the log probe remembers of one file between runs. */
export type FileMemory = {
  dev: number;
  ino: number;
  /** Start of the first byte not yet matched (a partial last line is read again next run). */
  offset: number;
  /** Hash of the first fpLen bytes. */
  fp: string;
  fpLen: number;
  /** Inside an over-long line whose first 64 KiB were already matched. */
  skip: boolean;
  /**
   * Hash of the tailLen (up to 256) bytes just before offset: other bytes there mean the file was rewritten in place.
   * State written before these fields existed lacks them; the check is then skipped once and they are filled in.
   */
  tail?: string;
  tailLen?: number;
  /** Size and mtime at the last read: the same size with another mtime was written to without growing. */
  size?: number;
  mtime?: number;
};

/** ReadOptions say where to start on a new file, which lines to look at, and when to stop. */
export type ReadOptions = {
  from: "end" | "start";
  prefilter: LinePrefilter;
  /** Called with each candidate line (decoded, without its newline, cut to MAX_LINE). */
  onLine: (line: string) => void;
  /** Polled between chunks: true means stop now and keep the offset for the next run. */
  shouldStop: () => boolean;
  /**
   * Files (by inodeKey) already read in this run, with where reading stopped. Shared by the files of one glob, so
   * that a rotated file the glob also names is read once: by whoever comes first, the other starts where it ended.
   */
  consumed?: Map<string, FileMemory>;
};
