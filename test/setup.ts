import fc from "fast-check";

// Property tests explore new random cases on every local run; CI uses one fixed seed so that a submission's result
// does not depend on the draw (a failure found locally is fixed and pinned as a plain test case).
if (process.env.CI) fc.configureGlobal({ seed: 20261123 });
