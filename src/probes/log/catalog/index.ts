/**
 * The built-in cause catalog: which failure a log line most probably means, highest priority first (the root cause
 * before its consequences: a lost GPU before the CUDA error it causes, an OOM before the engine that died of it, and
 * the wrappers last). Each family file holds causes of one kind; this list alone decides their order. Every pattern
 * was written from real failure output (test/fixtures/causes/corpus.txt, with the source of each excerpt) as a
 * family by mechanism (errno, exit status, signal, loader, hub), not one vendor's wording.
 */
import { diskFull, permissionDenied, tooManyOpenFiles } from "./files.js";
import { modelCorrupt } from "./corrupt.js";
import { modelNotFound } from "./models.js";
import { missingDependency, missingLibrary } from "./install.js";
import { execNotFound } from "./programs.js";
import { cudaDriverTooOld, noGpu, nvmlMismatch } from "./driver.js";
import { engineDead } from "./engine.js";
import { gpuFirmware, gpuHang, gpuHwMemory, gpuLost } from "./gpu.js";
import { gpuOom, hostOom, shmBusError } from "./memory.js";
import { addressUnavailable, hubUnreachable, portInUse } from "./network.js";
import { cudaError, hangTimeout, illegalInstruction, nccl, segfault } from "./runtime.js";
import type { Cause } from "./types.js";
import { jobFailed, modelLoadFailed, runnerNotStarted } from "./wrappers.js";

export type { Cause, Locale } from "./types.js";

/** CAUSES is the catalog, highest priority first. */
export const CAUSES: readonly Cause[] = [
  gpuLost,
  gpuHwMemory,
  gpuHang,
  gpuFirmware,
  nvmlMismatch,
  cudaDriverTooOld,
  noGpu,
  hostOom,
  diskFull,
  tooManyOpenFiles,
  gpuOom,
  shmBusError,
  cudaError,
  nccl,
  segfault,
  illegalInstruction,
  portInUse,
  addressUnavailable,
  permissionDenied,
  modelCorrupt,
  hubUnreachable,
  modelNotFound,
  missingLibrary,
  // A program that is missing, before the ImportError GitPython raises for it (`Bad git executable`).
  execNotFound,
  missingDependency,
  hangTimeout,
  runnerNotStarted,
  // A process that died while loading is a more concrete fact than "the model failed to load".
  engineDead,
  modelLoadFailed,
  jobFailed,
];
