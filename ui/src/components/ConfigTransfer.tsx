import { createSignal, For, Show } from 'solid-js';
import { ApiError, errorText } from '../lib/api-error.js';
import { useApp } from '../lib/context.js';
import { saveText } from '../lib/download.js';
import type { CsvMode } from '../lib/endpoints.js';
import type { CsvImportResult } from '../lib/schemas/config.js';
import type { ErrorIssue } from '../lib/schemas/errors.js';

/** Export the configuration (YAML) and the tags (CSV); import tags from CSV, with errors by line. */
export function ConfigTransfer() {
  const app = useApp();
  const [busy, setBusy] = createSignal<string | null>(null);
  const [file, setFile] = createSignal<File | null>(null);
  const [mode, setMode] = createSignal<CsvMode>('merge');
  const [result, setResult] = createSignal<CsvImportResult | null>(null);
  const [issues, setIssues] = createSignal<{ message: string; issues: readonly ErrorIssue[] } | null>(null);

  const download = async (what: 'yaml' | 'csv'): Promise<void> => {
    setBusy(what);
    try {
      const f = what === 'yaml' ? await app.api.exportYaml() : await app.api.exportTagsCsv();
      saveText(f.text, f.filename ?? (what === 'yaml' ? 'jsscada-config.yaml' : 'jsscada-tags.csv'), f.contentType);
    } catch (err) {
      app.toasts.show('bad', `Export failed: ${errorText(err)}`);
    } finally {
      setBusy(null);
    }
  };

  const importCsv = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const f = file();
    if (!f) return;
    setBusy('import');
    setResult(null);
    setIssues(null);
    try {
      const r = await app.api.importTagsCsv(await f.text(), mode());
      setResult(r);
      app.toasts.show('ok', `Imported ${r.rows} tag rows into ${r.groups.length} groups.`);
      await app.catalog.refresh();
    } catch (err) {
      setIssues({ message: errorText(err), issues: err instanceof ApiError ? err.issues : [] });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="config-tab transfer">
      <section class="card">
        <header>
          <h2>Export</h2>
        </header>
        <div class="body transfer-row">
          <button type="button" class="btn" disabled={busy() !== null} aria-busy={busy() === 'yaml'} onClick={() => void download('yaml')}>
            Download configuration (YAML)
          </button>
          <button type="button" class="btn" disabled={busy() !== null} aria-busy={busy() === 'csv'} onClick={() => void download('csv')}>
            Download tags (CSV)
          </button>
          <span class="muted small">The YAML is the import format of <code>jsscada import</code>; the API token is left out.</span>
        </div>
      </section>
      <section class="card">
        <header>
          <h2>Import tags (CSV)</h2>
        </header>
        <form class="body transfer-form" onSubmit={(e) => void importCsv(e)}>
          <label class="field">
            <span class="field-label">CSV file (same columns as the export)</span>
            <input type="file" accept=".csv,text/csv" aria-label="CSV file to import" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
          </label>
          <fieldset class="radio-row">
            <legend class="field-label">Mode</legend>
            <label class="inline-check">
              <input type="radio" name="mode" value="merge" checked={mode() === 'merge'} onChange={() => setMode('merge')} /> Merge: update or add the tags in the file
            </label>
            <label class="inline-check">
              <input type="radio" name="mode" value="replace" checked={mode() === 'replace'} onChange={() => setMode('replace')} /> Replace: each group in the file gets exactly its rows
            </label>
          </fieldset>
          <div>
            <button type="submit" class="btn primary" disabled={file() === null || busy() !== null} aria-busy={busy() === 'import'}>
              Import
            </button>
          </div>
          <Show when={result()}>
            {(r) => (
              <div class="import-result" role="status">
                Imported {r().rows} rows into {r().groups.join(', ') || 'no groups'}: tags added {r().summary.tags.added}, updated {r().summary.tags.updated}, removed {r().summary.tags.retired}. Applied without restart.
              </div>
            )}
          </Show>
          <Show when={issues()}>
            {(i) => (
              <div class="form-errors" role="alert">
                <div>{i().message}</div>
                <Show when={i().issues.length > 0}>
                  <ul>
                    <For each={i().issues}>
                      {(x) => (
                        <li>
                          <Show when={x.line !== undefined}>
                            <strong>
                              line {x.line}
                              {x.column !== undefined ? `, column ${x.column}` : ''}:{' '}
                            </strong>
                          </Show>
                          {x.field ?? x.path}: {x.message}
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </div>
            )}
          </Show>
        </form>
      </section>
      <section class="card">
        <header>
          <h2>Import a whole configuration (YAML)</h2>
        </header>
        <div class="body muted">
          A whole plant is imported on the collector's PC with <code>jsscada import FILE</code> (validated, then applied; the HTTP API has no YAML import). Single devices, groups and tags can be
          changed on the other tabs.
        </div>
      </section>
    </div>
  );
}
