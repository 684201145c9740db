// Fitting the inference knobs to drawings by coordinate descent on exact readings, and scoring the
// fit by cross-validation. Pure: the caller supplies how a parameter set reads each drawing.
import { getKnob, setKnob, type Knob } from './knobs.js';
import type { InferParams } from './params.js';

/** How one parameter set read one drawing: rank (1-based) of the exact trace among the top 5, or null. */
export interface ItemReading {
  rank: number | null;
}

/** Reads the drawings with the given ids under `params`. */
export type ReadItems = (params: InferParams, ids: string[]) => Map<string, ItemReading>;

export interface FitOptions {
  knobs: Knob[];
  /** Sweeps over the attribute knobs (stops early once a sweep changes nothing). */
  passes: number;
  /** Reruns allowed for combining helpful geometry steps (default 2). */
  maxCombinations?: number;
  onStep?: (message: string) => void;
}

/** Exact top-1 counts first, exact within the top 5 breaks ties. */
export function fitScore(readings: Map<string, ItemReading>): number {
  let score = 0;
  for (const r of readings.values()) {
    score += r.rank === 1 ? 1000 : 0;
    score += r.rank !== null ? 1 : 0;
  }
  return score;
}

/** The start and every parameter set one geometry knob-step away from it (the shared design of the fit). */
export function geometryDesign(start: InferParams, knobs: Knob[]): Array<{ change: string; params: InferParams }> {
  const out: Array<{ change: string; params: InferParams }> = [];
  for (const knob of knobs.filter((k) => k.stage === 'geometry')) {
    const current = getKnob(start, knob.name);
    const at = knob.values.indexOf(current);
    const tries = at < 0 ? knob.values : [knob.values[at - 1], knob.values[at + 1]].filter((v): v is number => v !== undefined);
    for (const value of tries) {
      out.push({ change: `${knob.name}=${value}`, params: setKnob(start, knob.name, value) });
    }
  }
  return out;
}

/** Every other value of `knob`, or with a `partner`, every other pair of the two knobs' values. */
export function attributeTrials(params: InferParams, knob: Knob, partner?: Knob): InferParams[] {
  const out: InferParams[] = [];
  for (const value of knob.values) {
    const one = setKnob(params, knob.name, value);
    for (const other of partner ? partner.values : [undefined]) {
      const trial = partner && other !== undefined ? setKnob(one, partner.name, other) : one;
      if (JSON.stringify(trial) !== JSON.stringify(params)) {
        out.push(trial);
      }
    }
  }
  return out;
}

/**
 * Fits the knobs on the drawings `trainIds` only. Geometry knobs (a full rerun each) are fitted on a
 * design shared by every fit: each single step from `start` is scored, and the steps that help are
 * combined best first while the combination keeps scoring strictly better (at most
 * `maxCombinations` extra reruns). Attribute knobs (cheap) are then fitted by coordinate descent
 * over all their values.
 */
export function fitParams(start: InferParams, trainIds: string[], read: ReadItems, options: FitOptions): { params: InferParams; score: number } {
  let params = start;
  let score = fitScore(read(params, trainIds));
  const steps = geometryDesign(start, options.knobs)
    .map((step) => ({ ...step, score: fitScore(read(step.params, trainIds)) }))
    .filter((step) => step.score > score)
    .sort((a, b) => b.score - a.score);
  const tried = new Set<string>();
  let combinations = 0;
  for (const step of steps) {
    const [name, value] = step.change.split('=');
    if (tried.has(name) || combinations >= (options.maxCombinations ?? 2)) {
      continue;
    }
    tried.add(name);
    const trial = params === start ? step.params : setKnob(params, name, Number(value));
    const s = trial === step.params ? step.score : fitScore(read(trial, trainIds));
    if (trial !== step.params) {
      combinations++;
    }
    if (s > score) {
      options.onStep?.(`${step.change} (score ${score} → ${s})`);
      params = trial;
      score = s;
    }
  }
  for (let pass = 0; pass < options.passes; pass++) {
    let moved = false;
    for (const knob of options.knobs.filter((k) => k.stage === 'attribute')) {
      const current = getKnob(params, knob.name);
      const partner = options.knobs.find((k) => k.name === knob.jointWith);
      let best: { params: InferParams; score: number } | undefined;
      for (const trial of attributeTrials(params, knob, partner)) {
        const s = fitScore(read(trial, trainIds));
        if (s > score && (best === undefined || s > best.score)) {
          best = { params: trial, score: s };
        }
      }
      if (best !== undefined) {
        const alsoMoved = partner ? `, ${partner.name}: ${getKnob(params, partner.name)} → ${getKnob(best.params, partner.name)}` : '';
        options.onStep?.(`${knob.name}: ${current} → ${getKnob(best.params, knob.name)}${alsoMoved} (score ${score} → ${best.score})`);
        params = best.params;
        score = best.score;
        moved = true;
      }
    }
    if (!moved) {
      break;
    }
  }
  return { params, score };
}
