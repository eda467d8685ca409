import { A, type RouteSectionProps } from '@solidjs/router';
import { createEffect, on, onCleanup, onMount, Show } from 'solid-js';
import { useApp } from '../lib/context.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import { StatusBanner } from './StatusBanner.js';
import { ToastList } from './ToastList.js';
import { TokenButton } from './TokenButton.js';
import { TokenDialog } from './TokenDialog.js';
import { WallClock } from './WallClock.js';
import '../styles/shell.css';

/**
 * The frame of every page: navigation, the health of the live streams, the token, the clock,
 * and the banner that says when what is on screen is not live.
 */
export function Shell(props: RouteSectionProps) {
  const app = useApp();
  const down = () => app.polling.stream().status !== 'open' && app.polling.updatedAt() !== null;

  onMount(() => {
    app.polling.start();
    app.devices.start();
    void app.catalog.refresh();
    // The network is back (cable, switch, VPN): do not wait for the backoff to run out.
    const online = (): void => {
      app.polling.reconnectNow();
      app.devices.reconnectNow();
    };
    window.addEventListener('online', online);
    onCleanup(() => window.removeEventListener('online', online));
  });
  onCleanup(() => {
    app.polling.stop();
    app.devices.stop();
  });

  // Groups came or went (here or from another client): the configuration views follow.
  createEffect(on(() => app.polling.names(), () => void app.catalog.refresh(), { defer: true }));

  // A new token: streams the server refused (server.protectReads) try again at once.
  createEffect(
    on(
      () => app.tokens.token(),
      () => {
        if (app.polling.stream().status === 'unauthorized') app.polling.reconnectNow();
        if (app.devices.stream().status === 'unauthorized') app.devices.reconnectNow();
      },
      { defer: true },
    ),
  );

  const enterToken = async (): Promise<void> => {
    const token = await app.tokenPrompt.ask('Enter the API token to allow starting, stopping and configuring from this panel.', { force: true });
    if (token !== null) {
      app.tokens.set(token);
      app.toasts.show('ok', 'Token saved in this browser.');
    }
  };

  return (
    <div class="shell">
      <header class="topbar">
        <A href="/" class="brand" end aria-label="JSScada overview">
          <span class="brand-mark" aria-hidden="true" />
          JSScada
        </A>
        <Show when={app.polling.engine()?.collector}>
          {(name) => (
            <span class="collector-name" title="This collector's name on the value database (collector.name)" data-testid="collector-name">
              {name()}
            </span>
          )}
        </Show>
        <nav class="nav" aria-label="Pages">
          <A href="/" end>
            Overview
          </A>
          <A href="/devices">Devices</A>
          <A href="/trends">Trends</A>
          <A href="/inspector">Inspector</A>
          <A href="/config">Configuration</A>
        </nav>
        <span class="spacer" />
        <ConnectionIndicator label="Status" state={app.polling.stream()} now={app.now()} />
        <ConnectionIndicator label="Values" state={app.devices.stream()} now={app.now()} />
        <TokenButton
          hasToken={app.tokens.token() !== null}
          onEnter={() => void enterToken()}
          onForget={() => {
            app.tokens.clear();
            app.toasts.show('info', 'Token forgotten: changes will ask for it again.');
          }}
        />
        <WallClock now={app.now()} />
      </header>
      <StatusBanner
        stream={app.polling.stream()}
        everConnected={app.polling.updatedAt() !== null}
        engineReady={app.polling.engine()?.ready ?? null}
        protocolError={app.polling.protocolError() ?? app.devices.protocolError()}
        now={app.now()}
        onRetry={() => {
          app.polling.reconnectNow();
          app.devices.reconnectNow();
        }}
        onEnterToken={() => void enterToken()}
      />
      <main class="main" classList={{ stale: down() }}>
        {props.children}
      </main>
      <ToastList toasts={app.toasts.list()} onDismiss={(id) => app.toasts.dismiss(id)} />
      <Show when={app.tokenPrompt.pending()}>{(p) => <TokenDialog reason={p().reason} onAnswer={(t) => app.tokenPrompt.answer(t)} />}</Show>
    </div>
  );
}
