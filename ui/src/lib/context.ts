import { createContext, useContext } from 'solid-js';
import type { AppState } from './app-state.js';

export const AppContext = createContext<AppState>();

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp: no AppContext.Provider above this component');
  return app;
}
