// Reading a plan answer of the API: status, the result document (layout, placement, estimate, alternatives,
// explanation), per-rank memory components and the iteration-time breakdown.
import { pick } from './layout.js';

export const TERMINAL = ['DONE', 'COMPLETED', 'SUCCEEDED', 'FINISHED', 'FAILED', 'CANCELLED', 'CANCELED', 'STOPPED', 'INFEASIBLE', 'TERMINATED'];

export function statusOf(plan) {
  return String(pick(plan, 'status', 'state', 'solverStatus') ?? 'UNKNOWN').toUpperCase();
}

export function isTerminal(plan) {
  return TERMINAL.includes(statusOf(plan));
}

/** The plan document itself: the final result when done, otherwise the best plan so far (may be absent). */
export function resultOf(plan) {
  if (!plan) return null;
  if (plan.layout && plan.estimate) return plan;
  for (const key of ['result', 'plan', 'bestPlan', 'best', 'bestSoFar', 'bestSolution']) {
    const value = plan[key];
    if (value && typeof value === 'object' && (value.layout || value.estimate)) return value;
  }
  return null;
}

export function estimateOf(result) {
  return (result && (result.estimate || result.prediction)) || null;
}

export function idOf(plan) {
  return pick(plan, 'id', 'planId', 'uuid');
}

const MEMORY_EXCLUDED = /^(rank|stage|pp|dp|tp|cp|node|gpu|index|total|capacity|usable|limit|peak|free|headroom)/i;

/** Per-rank memory: the stacked components (bytes), the total and the GPU capacity of each rank. */
export function rankMemory(estimate) {
  const ranks = (estimate && (pick(estimate, 'ranks', 'rankMemory', 'memory', 'perRankMemory') || [])) || [];
  const list = Array.isArray(ranks) ? ranks : [];
  if (!list.length) return { components: [], ranks: [] };
  const sample = list[0];
  let components = Object.keys(sample).filter((k) => /Bytes$/.test(k) && typeof sample[k] === 'number' && !MEMORY_EXCLUDED.test(k));
  if (!components.length) components = Object.keys(sample).filter((k) => typeof sample[k] === 'number' && !MEMORY_EXCLUDED.test(k));
  return {
    components,
    ranks: list.map((r, i) => {
      const parts = components.map((k) => r[k] || 0);
      const sum = parts.reduce((a, b) => a + b, 0);
      return {
        rank: pick(r, 'rank', 'globalRank') ?? i,
        stage: pick(r, 'stage', 'pp', 'pipelineStage'),
        parts,
        totalBytes: pick(r, 'totalBytes', 'total') ?? sum,
        capacityBytes: pick(r, 'capacityBytes', 'capacity', 'gpuMemoryBytes', 'memoryBytes'),
      };
    }),
  };
}

const BREAKDOWN_EXCLUDED = /^(total|iterationTime|iteration)/i;

/** The iteration-time breakdown as [key, seconds] pairs, in the order the API lists them. */
export function breakdownOf(estimate) {
  const breakdown = estimate && (estimate.breakdown || estimate.timeBreakdown);
  if (!breakdown || typeof breakdown !== 'object') return [];
  return Object.entries(breakdown).filter(([k, v]) => typeof v === 'number' && Number.isFinite(v) && !BREAKDOWN_EXCLUDED.test(k));
}

export function breakdownValue(breakdown, pattern) {
  const found = breakdown.find(([k]) => pattern.test(k));
  return found ? found[1] : undefined;
}

export function placementOf(result) {
  const placement = result && result.placement;
  if (Array.isArray(placement)) return placement;
  if (placement && Array.isArray(placement.ranks)) return placement.ranks;
  return [];
}

export function explanationLines(result, plan) {
  const e = (result && result.explanation) ?? (plan && plan.explanation);
  if (!e) return [];
  if (typeof e === 'string') return [e];
  if (Array.isArray(e)) return e.map((x) => (typeof x === 'string' ? x : x.text || x.message || x.reason || JSON.stringify(x)));
  const lines = [];
  if (e.summary) lines.push(e.summary);
  for (const key of ['reasons', 'lines', 'points', 'details', 'rejected', 'defaults', 'notes']) {
    if (Array.isArray(e[key])) lines.push(...e[key].map((x) => (typeof x === 'string' ? x : x.text || x.message || x.reason || JSON.stringify(x))));
  }
  return lines.length ? lines : [JSON.stringify(e, null, 2)];
}

/** Best-score progress points [{elapsedSeconds, iterationTimeSeconds, score}] from whatever form the API keeps. */
export function progressPoints(plan) {
  const progress = plan && (plan.progress || plan.history || plan.scoreHistory);
  const list = Array.isArray(progress) ? progress : progress && Array.isArray(progress.history) ? progress.history : progress && Array.isArray(progress.points) ? progress.points : [];
  const t0 = list.length ? Date.parse(pick(list[0], 'at', 'timestamp', 'time', 'recordedAt')) : NaN;
  return list.map((p) => {
    const at = pick(p, 'at', 'timestamp', 'time', 'recordedAt');
    const elapsed = pick(p, 'elapsedSeconds', 'secondsSpent', 'elapsed') ?? (at && Number.isFinite(t0) ? (Date.parse(at) - t0) / 1000 : undefined);
    return { elapsedSeconds: elapsed, iterationTimeSeconds: pick(p, 'iterationTimeSeconds', 'bestIterationTimeSeconds'), score: pick(p, 'score', 'bestScore') };
  });
}
