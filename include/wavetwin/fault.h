// wavetwin/fault.h: fault injection for the kill tests, in the manner of SQLite's own: with
// WAVETWIN_KILL_AT=POINT:N in the environment, the process kills itself with SIGKILL the Nth time it reaches
// the named point, saying so on stderr first ("wavetwin: fault injection: SIGKILL at POINT #N"), so that a
// test knows the run was alive there. Without the variable a point costs one test of a flag.
//
// Points: "batch" (after an optimiser step), "validation" (before an epoch's validation), "file.written" (a
// file written and synced, before its rename), "checkpoint.saved" (an epoch's checkpoints renamed, before the
// store's transaction), "store.commit" (inside a run-store transaction, before its commit).
#pragma once

namespace wavetwin {

void fault_point(const char* name);

}  // namespace wavetwin
