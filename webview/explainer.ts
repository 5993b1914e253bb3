/**
 * A short explanation for newcomers: why depth destabilises a network, and how normalization and the residual
 * path keep the original signal as a stable base every layer adds to. With a small diagram.
 */
import { el, svg } from './dom';

function diagram(doc: Document): SVGSVGElement {
  const W = 460;
  const H = 190;
  const root = svg(doc, 'svg', { class: 'explainer-diagram', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Diagram: a plain stack multiplies the signal at every layer; a residual stream carries it past every layer.' });
  // Plain stack: bars shrink by a constant factor.
  root.appendChild(svg(doc, 'text', { class: 'd-title', x: 10, y: 16 }, 'Plain stack: every layer multiplies'));
  let h = 56;
  for (let i = 0; i < 6; i++) {
    const x = 14 + i * 36;
    root.appendChild(svg(doc, 'rect', { class: 'd-bar', x, y: 80 - h, width: 20, height: h, rx: 2 }));
    if (i < 5) root.appendChild(svg(doc, 'text', { class: 'd-small', x: x + 28, y: 84 - h / 2, 'text-anchor': 'middle' }, '×0.6'));
    h *= 0.6;
  }
  root.appendChild(svg(doc, 'text', { class: 'd-small', x: 10, y: 98 }, 'scale after L layers: 0.6ᴸ → 0'));
  // Residual stream: a straight line (the base) with branches adding small updates.
  const top = 122;
  root.appendChild(svg(doc, 'text', { class: 'd-title', x: 10, y: top }, 'Residual + normalization: every layer adds to a base'));
  const yLine = top + 36;
  root.appendChild(svg(doc, 'line', { class: 'd-stream', x1: 14, x2: W - 16, y1: yLine, y2: yLine }));
  root.appendChild(svg(doc, 'text', { class: 'd-small', x: W - 16, y: yLine + 16, 'text-anchor': 'end' }, 'x + F₁ + F₂ + … keeps x'));
  for (let i = 0; i < 5; i++) {
    const x = 40 + i * 82;
    root.appendChild(svg(doc, 'path', { class: 'd-branch', d: `M${x},${yLine} C${x},${yLine - 26} ${x + 46},${yLine - 26} ${x + 46},${yLine}` }));
    root.appendChild(svg(doc, 'rect', { class: 'd-norm', x: x + 4, y: yLine - 30, width: 16, height: 12, rx: 2 }));
    root.appendChild(svg(doc, 'text', { class: 'd-tiny', x: x + 12, y: yLine - 21, 'text-anchor': 'middle' }, 'N'));
    root.appendChild(svg(doc, 'rect', { class: 'd-layer', x: x + 24, y: yLine - 30, width: 16, height: 12, rx: 2 }));
    root.appendChild(svg(doc, 'text', { class: 'd-tiny', x: x + 32, y: yLine - 21, 'text-anchor': 'middle' }, 'F'));
    root.appendChild(svg(doc, 'text', { class: 'd-small', x: x + 46, y: yLine + 4, 'text-anchor': 'middle' }, '+'));
  }
  return root;
}

export function renderExplainer(doc: Document, open: boolean, onToggle: (open: boolean) => void): HTMLElement {
  const det = el(doc, 'details', { class: 'explainer', id: 'explainer', open, 'data-key': 'explainer' });
  det.appendChild(el(doc, 'summary', {}, 'New to this? Why depth destabilises a network'));
  const body = el(doc, 'div', { class: 'explainer-body' });
  body.append(
    el(
      doc,
      'p',
      {},
      'A network passes a signal through its layers: forward, the activations; backward, the gradients that train each layer. ',
      'Each layer multiplies the signal’s scale by some factor. If that factor is a little below 1, say 0.6, after 48 layers the signal is 0.6⁴⁸ ≈ 2·10⁻¹¹ of what went in: ',
      'the first layers get almost no gradient and stop learning (vanishing). A little above 1 and it blows up instead (exploding). ',
      'Depth turns small per-layer factors into huge ones.',
    ),
    diagram(doc),
    el(
      doc,
      'p',
      {},
      el(doc, 'strong', {}, 'Normalization'),
      ' (LayerNormalization, BatchNormalization) rescales the signal to a fixed size inside the network, so the factors stop compounding. ',
      el(doc, 'strong', {}, 'A residual path'),
      ' (x + F(x)) carries the original signal past each layer unchanged: every layer only adds a correction to a stable base, ',
      'and the gradient flows back along the same straight path. Put the normalization inside the branch (Pre-LN: x + F(LN(x))) and the base itself is never squashed.',
    ),
    el(
      doc,
      'p',
      {},
      'The plots show this for your model: the solid line is your model, the dashed ones the same model with a fix applied in simulation. ',
      'A flat line on the log scale is healthy; a straight slope means the signal changes by the same factor at every layer.',
    ),
    el(doc, 'p', { class: 'cite' }, 'Further reading: Schoenholz et al. 2017 (arXiv 1611.01232); He et al. 2016, residual networks (arXiv 1512.03385); Xiong et al. 2020 (arXiv 2002.04745); Brock, De & Smith 2021 (arXiv 2101.08692).'),
  );
  det.appendChild(body);
  det.addEventListener('toggle', () => onToggle(det.open));
  return det;
}
