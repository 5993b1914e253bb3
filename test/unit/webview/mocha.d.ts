// The mocha globals for the webview tests, without pulling node's types into the webview program.
/// <reference types="mocha" />
