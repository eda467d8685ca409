import { Route, Router } from '@solidjs/router';
import { Shell } from './components/Shell.js';
import type { AppState } from './lib/app-state.js';
import { AppContext } from './lib/context.js';
import { Configuration } from './pages/Configuration.js';
import { Devices } from './pages/Devices.js';
import { Inspector } from './pages/Inspector.js';
import { NotFound } from './pages/NotFound.js';
import { Overview } from './pages/Overview.js';
import { Trends } from './pages/Trends.js';

export interface AppProps {
  readonly state: AppState;
}

/** The panel: one shell, five pages, client-side routes (the server answers index.html for them). */
export function App(props: AppProps) {
  return (
    <AppContext.Provider value={props.state}>
      <Router root={Shell}>
        <Route path="/" component={Overview} />
        <Route path="/devices" component={Devices} />
        <Route path="/trends" component={Trends} />
        <Route path="/inspector" component={Inspector} />
        <Route path="/config" component={Configuration} />
        <Route path="*" component={NotFound} />
      </Router>
    </AppContext.Provider>
  );
}
