// The global styles first: page styles that follow may refine them.
import './styles/global.css';
import { render } from 'solid-js/web';
import { App } from './App.js';
import { createAppState } from './lib/app-state.js';
import './lib/perf.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
render(() => <App state={createAppState()} />, root);
