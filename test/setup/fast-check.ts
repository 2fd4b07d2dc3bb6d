// One fast-check configuration for every property suite: a pinned seed (printed with any
// failure, so it replays), overridable for exploration, and a run budget that fits CI.
import fc from 'fast-check';

const seed = process.env.FC_SEED === undefined ? 20261124 : Number(process.env.FC_SEED);
const numRuns = process.env.FC_NUM_RUNS === undefined ? 100 : Number(process.env.FC_NUM_RUNS);

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed, numRuns });
