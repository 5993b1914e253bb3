// A small browser DOM for the render-function tests (happy-dom). Plain CommonJS so the webview type-check,
// which has no node types, only sees env.d.cts.
const { Window } = require('happy-dom');

exports.createDom = function createDom(width = 1280, height = 800) {
  const window = new Window({ width, height, url: 'file:///report.html' });
  return { window, document: window.document, close: () => window.happyDOM.close() };
};
