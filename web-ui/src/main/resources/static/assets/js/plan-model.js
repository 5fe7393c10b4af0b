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

/** The engine's plan document inside an answer part: the part itself, or its "plan" (the API stores {plan, launch}). */
export function documentOf(part) {
  if (!part || typeof part !== 'object') return null;
  if (part.layout !== undefined || part.estimate !== undefined || part.explanation !== undefined) return part;
  if (part.plan && typeof part.plan === 'object') return documentOf(part.plan);
  return null;
}

/** The plan document with a layout: the final result when done, otherwise the best plan so far (may be absent). */
export function resultOf(plan) {
  if (!plan) return null;
  for (const part of [plan, plan.result, plan.bestSoFar, plan.bestPlan, plan.best]) {
    const found = documentOf(part);
    if (found && found.layout && found.estimate) return found;
  }
  return null;
}

/**
 * The comparison of GPU counts of a cost-per-token plan ({objective, maxGpus, maxIterationSeconds, gpuHourPrice,
 * chosenGpus, candidates}), or null for the iteration-time objective. chosenGpus is 0 when no count has a plan.
 */
export function gpuCountSearchOf(plan) {
  for (const part of [plan && plan.result, plan]) {
    const found = documentOf(part);
    if (found && found.gpuCountSearch && typeof found.gpuCountSearch === 'object') {
      const search = found.gpuCountSearch;
      return { ...search, candidates: Array.isArray(search.candidates) ? search.candidates : [] };
    }
  }
  return null;
}

export function estimateOf(result) {
  return (result && (result.estimate || result.prediction)) || null;
}

export function idOf(plan) {
  return pick(plan, 'id', 'planId', 'uuid');
}

const MEMORY_EXCLUDED = /^(rank|stage|layers|pp|dp|tp|cp|node|gpu|index|total|capacity|usable|limit|peak|free|headroom)/i;

function componentsOf(sample) {
  let components = Object.keys(sample).filter((k) => /Bytes$/.test(k) && typeof sample[k] === 'number' && !MEMORY_EXCLUDED.test(k));
  if (!components.length) components = Object.keys(sample).filter((k) => typeof sample[k] === 'number' && !MEMORY_EXCLUDED.test(k));
  return components;
}

/**
 * Per-rank memory: the stacked components (bytes), the total and the GPU capacity of each rank. The plan document
 * lists each rank's total and capacity, and the components once per pipeline stage (identical for its ranks).
 */
export function rankMemory(estimate) {
  const list = (estimate && pick(estimate, 'rankMemory', 'ranks', 'perRankMemory')) || [];
  if (!Array.isArray(list) || !list.length) return { components: [], ranks: [] };
  const stages = (estimate && Array.isArray(estimate.stageMemory) ? estimate.stageMemory : []).reduce((map, s) => map.set(Number(s.stage), s), new Map());
  const ownComponents = componentsOf(list[0]);
  const stageComponents = stages.size ? componentsOf(stages.values().next().value) : [];
  const fromStage = !ownComponents.length && stageComponents.length > 0;
  const components = fromStage ? stageComponents : ownComponents;
  return {
    components,
    fromStage,
    ranks: list.map((r, i) => {
      const stage = pick(r, 'stage', 'pp', 'pipelineStage');
      const source = fromStage ? stages.get(Number(stage)) || {} : r;
      const parts = components.map((k) => source[k] || 0);
      const sum = parts.reduce((a, b) => a + b, 0);
      return {
        rank: pick(r, 'rank', 'globalRank') ?? i,
        node: r.node,
        gpu: r.gpu,
        stage,
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

/** The explanation as titled groups of lines: summary, dominant terms, binding constraints, notes, infeasibility. */
export function explanationGroups(result, plan) {
  const e = (result && result.explanation) ?? (plan && plan.explanation);
  if (!e) return [];
  const text = (x) => (typeof x === 'string' ? x : x.text || x.message || x.reason || JSON.stringify(x));
  if (typeof e === 'string') return [{ title: null, lines: [e] }];
  if (Array.isArray(e)) return [{ title: null, lines: e.map(text) }];
  const groups = [];
  if (e.summary) groups.push({ title: null, lines: [e.summary] });
  const titles = { dominantTerms: 'What dominates the iteration time', bindingConstraints: 'Binding constraints', notes: 'Notes', infeasibility: 'Why no layout fits', reasons: 'Reasons', defaults: 'Catalog defaults used' };
  for (const [key, title] of Object.entries(titles)) {
    if (Array.isArray(e[key]) && e[key].length) groups.push({ title, lines: e[key].map(text) });
  }
  return groups.length ? groups : [{ title: null, lines: [JSON.stringify(e, null, 2)] }];
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
