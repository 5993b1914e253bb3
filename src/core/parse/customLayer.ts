/**
 * Custom layers (`class X extends tf.layers.Layer`): weights from addWeight (constructor or build) and from
 * sub-layers held in fields; call() traced on a symbolic input into an inner graph when every step is a
 * known layer or op, otherwise opaque; residual paths (tf.add(x, ...), x.add(...), tf.layers.add()).
 */
import type * as TS from 'typescript';
import type { Config, CustomLayerInfo, LayerGraph, Span, WeightSpec } from '../graph/types';
import { normalizeInitializer, resolveConfig } from '../graph/catalog';
import { layerKind } from '../graph/kinds';
import { Cancelled, LimitHit, UserThrow, type Evaluator } from './evaluator';
import {
  ArrayVal,
  LayerVal,
  ModelVal,
  ObjectVal,
  TensorVal,
  UnknownVal,
  asLayerOrModel,
  type AppNode,
  type Value,
} from './values';
import { tensorsOf } from './tfjsApi';
import { wholeDims, type Shape } from './shapes';
import { getTs } from './tsLoader';

/** Weights a sub-layer held in a field contributes (its kernels, embeddings, gammas ...). */
function subLayerWeights(field: string, l: LayerVal): WeightSpec[] {
  if (l.custom) {
    return l.custom.weights.map((w) => ({ ...w, name: `${field}.${w.name}` }));
  }
  const out: WeightSpec[] = [];
  const c = l.config;
  for (const [k, v] of Object.entries(c)) {
    if (!k.endsWith('Initializer')) continue;
    const w = k.slice(0, -'Initializer'.length);
    if (w === 'bias' && c.useBias === false) continue;
    if (w === 'beta' && c.center === false) continue;
    if (w === 'gamma' && c.scale === false) continue;
    if (w === 'movingMean' || w === 'movingVariance') continue;
    const spec: WeightSpec = { name: `${field}.${w}`, trainable: true };
    const ref = normalizeInitializer(v);
    if (ref) spec.initializer = ref;
    if (w === 'kernel' && l.className === 'Dense' && typeof c.units === 'number')
      spec.shape = [null, c.units];
    out.push(spec);
  }
  if (out.length === 0 && layerKind({ className: l.className }) === 'weighted')
    out.push({ name: `${field}.kernel`, trainable: true });
  return out;
}

/** Per call() declaration: thousands of instances of one class share the walk of its body. */
const residualSyntax = new WeakMap<TS.FunctionLikeDeclaration, boolean>();

function hasResidualSyntax(decl: TS.FunctionLikeDeclaration): boolean {
  let r = residualSyntax.get(decl);
  if (r === undefined) residualSyntax.set(decl, (r = findResidualSyntax(decl)));
  return r;
}

function findResidualSyntax(decl: TS.FunctionLikeDeclaration): boolean {
  const ts = getTs();
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const c = n.expression;
      if (
        ts.isPropertyAccessExpression(c) &&
        (c.name.text === 'add' || c.name.text === 'addN') &&
        n.arguments.length >= 1
      ) {
        const recv = c.expression;
        const isLayersAdd = ts.isPropertyAccessExpression(recv) && recv.name.text === 'layers';
        if (!isLayersAdd || n.arguments.length === 0) found = true;
      }
      if (ts.isPropertyAccessExpression(c) && c.name.text === 'apply' && ts.isCallExpression(c.expression)) {
        const inner = c.expression.expression;
        if (ts.isPropertyAccessExpression(inner) && inner.name.text === 'add') found = true;
      }
    }
    ts.forEachChild(n, visit);
  };
  if (decl.body) visit(decl.body);
  return found;
}

export function analyseCustomLayer(
  ev: Evaluator,
  layer: LayerVal,
  inputShapes: (Shape | undefined)[],
  buildBody: (inputs: TensorVal[], outputs: TensorVal[], name: string, span: Span) => LayerGraph,
): CustomLayerInfo {
  const st = layer.custom;
  if (!st) throw new Error('not a custom layer');
  if (st.info) return st.info;
  const userClass = st.cls.name || layer.className;
  if (st.analysing)
    return { userClass, weights: [...st.weights], subLayers: [], residual: false, opaque: true };
  st.analysing = true;
  const saved = ev.saveState();
  const savedBody = ev.body;
  ev.scope = layer.scope;
  ev.suppressModels++;
  const inst = st.instance;
  let opaque = false;
  let residual = false;
  let body: LayerGraph | undefined;
  const reasons: string[] = [];
  const guard = (f: () => void, what: string) => {
    try {
      f();
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      opaque = true;
      if (e instanceof LimitHit)
        reasons.push(`${what} not analysed: evaluation budget (${e.limit}) exhausted`);
      else if (e instanceof UserThrow) reasons.push(`${what} throws for the values assumed`);
      else reasons.push(`${what}: internal analyser error (${e instanceof Error ? e.message : String(e)})`);
    }
  };
  const arity = Math.max(1, inputShapes.length);
  const shapeValue = (s: Shape | undefined): Value =>
    s ? new ArrayVal(s.slice()) : new UnknownVal(`the input shape of ${userClass}`);
  try {
    const build = ev.findMethod(st.cls, 'build');
    if (build) {
      const shapeVal: Value =
        arity === 1 ? shapeValue(inputShapes[0]) : new ArrayVal(inputShapes.map(shapeValue));
      guard(() => void ev.callFunction(build, inst, [shapeVal], undefined), 'build()');
    }
    const subLayers: string[] = [];
    const subWeights: WeightSpec[] = [];
    const collect = (name: string, v: Value, depth: number) => {
      const l = asLayerOrModel(v);
      if (l instanceof LayerVal) {
        subLayers.push(name);
        subWeights.push(...subLayerWeights(name, l));
      } else if (l instanceof ModelVal) {
        subLayers.push(name);
        subWeights.push({ name: `${name}.*`, trainable: true });
      } else if (v instanceof ArrayVal && depth < 2) {
        v.items.forEach((x, i) => collect(`${name}[${i}]`, x, depth + 1));
      } else if (v instanceof ObjectVal && !v.cls && !v.native && depth < 2) {
        for (const [k, x] of v.props) collect(`${name}.${k}`, x, depth + 1);
      }
    };
    for (const [k, v] of inst.props) collect(k, v, 0);

    const call = ev.findMethod(st.cls, 'call');
    if (call) {
      // One InputLayer per input of the application; call() gets a tensor, or an array for several inputs.
      const xs: TensorVal[] = [];
      for (let i = 0; i < arity; i++) {
        const shape = inputShapes[i];
        const inCfg: Config = shape ? { batchInputShape: shape.slice() } : {};
        const inLayer = new LayerVal(
          ++ev.uid,
          'InputLayer',
          {},
          resolveConfig('InputLayer', inCfg),
          layer.span,
          undefined,
          layer.scope,
          undefined,
        );
        const app: AppNode = { seq: ++ev.seq, layer: inLayer, inputs: [], scope: layer.scope };
        xs.push(new TensorVal(app, 0));
      }
      const arg: Value = arity === 1 ? xs[0] : new ArrayVal(xs.slice());
      ev.body = { opaque: false, reasons: [], residual: false, inputs: xs.slice() };
      let result: Value;
      guard(() => {
        result = ev.callFunction(call, inst, [arg, new ObjectVal()], undefined);
      }, 'call()');
      const trace = ev.body;
      ev.body = savedBody;
      residual = trace.residual;
      const outs = tensorsOf(result);
      if (trace.opaque) {
        opaque = true;
        reasons.push(...trace.reasons.slice(0, 3));
      } else if (outs.length === 0 && !opaque) {
        opaque = true;
        reasons.push('call() does not return a tensor the analysis can follow');
      }
      if (!opaque) {
        const span = layer.span ?? {
          file: st.cls.mod.path,
          start: { line: 0, character: 0 },
          end: { line: 0, character: 0 },
        };
        body = buildBody(xs, outs, userClass, span);
      }
      if (!residual) residual = hasResidualSyntax(call.decl);
      if (opaque) {
        ev.note(
          'unsupported',
          `Custom layer ${userClass}: call() could not be followed statically (${reasons.join('; ')}); it is treated as an opaque block.`,
          call.decl.name ?? call.decl,
          call.mod,
          layer.scope,
        );
      }
    }
    const cos = ev.findMethod(st.cls, 'computeOutputShape');
    if (cos && inputShapes.length && inputShapes.every((x) => x)) {
      const arg: Value = arity === 1 ? shapeValue(inputShapes[0]) : new ArrayVal(inputShapes.map(shapeValue));
      let out: Value;
      guard(() => {
        out = ev.callFunction(cos, inst, [arg], undefined);
      }, 'computeOutputShape()');
      if (out instanceof ArrayVal && out.items.every((d) => d === null || typeof d === 'number')) {
        st.outputShape = wholeDims(out.items as (number | null)[]);
      }
    }
    const info: CustomLayerInfo = {
      userClass,
      weights: [...st.weights, ...subWeights],
      subLayers,
      residual,
      opaque,
    };
    if (body) info.body = body;
    st.info = info;
    return info;
  } finally {
    ev.body = savedBody;
    ev.suppressModels--;
    ev.restoreState(saved);
    st.analysing = false;
  }
}
