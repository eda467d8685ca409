import { Show } from 'solid-js';
import { useApp } from '../lib/context.js';
import { createFormModel } from '../lib/form-model.js';
import { submitForm } from '../lib/form-submit.js';
import { tagBody, tagValues } from '../lib/form-values.js';
import { DATA_TYPES, tagSchema, type TagInput, type TagView } from '../lib/schemas/config.js';
import { FormErrorList } from './FormErrorList.js';
import { InputField } from './InputField.js';
import { Modal } from './Modal.js';
import { SelectField } from './SelectField.js';

export interface TagFormProps {
  readonly group: string;
  readonly tag?: TagView;
  readonly onDone: (saved: boolean) => void;
}

const KNOWN = new Set(Object.keys(tagValues()));

/** Add or edit a tag of a group (PUT replaces it: fields the form does not show are kept). */
export function TagForm(props: TagFormProps) {
  const app = useApp();
  const editing = props.tag !== undefined;
  const form = createFormModel(tagValues(props.tag));

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const element = e.currentTarget instanceof HTMLElement ? e.currentTarget : undefined;
    // The per-tag record override is not on this form: keep it.
    const fields = tagBody(form.values);
    const body: Record<string, unknown> = props.tag?.record ? { record: props.tag.record, ...fields } : fields;
    const ok = await submitForm(form, {
      check: { schema: tagSchema, body },
      known: KNOWN,
      element,
      send: async () => {
        const checked: TagInput = tagSchema.parse(body);
        if (editing) await app.api.replaceTag(props.group, props.tag?.name ?? '', checked);
        else await app.api.addTag(props.group, checked);
      },
    });
    if (ok) {
      app.toasts.show('ok', `Tag ${String(fields.name)} ${editing ? 'saved' : 'added'} in ${props.group}.`);
      props.onDone(true);
    }
  };

  return (
    <Modal title={editing ? `Edit tag ${props.tag?.name ?? ''} (${props.group})` : `Add a tag to ${props.group}`} onClose={() => props.onDone(false)} wide>
      <form class="entity-form" onSubmit={(e) => void submit(e)} novalidate>
        <FormErrorList errors={form.errors().form} />
        <div class="form-grid">
          <InputField form={form} name="name" label="Name" required readOnly={editing} />
          <InputField form={form} name="address" label="Address" required placeholder="D100, M10, HR0, D100.3" />
          <SelectField form={form} name="type" label="Type" options={DATA_TYPES.map((t) => ({ value: t, label: t }))} />
          <Show when={form.text('type') === 'string'}>
            <InputField form={form} name="length" label="Length (words)" type="number" required />
          </Show>
          <SelectField form={form} name="wordOrder" label="Word order" options={[{ value: '', label: "device's" }, { value: 'low', label: 'low word first' }, { value: 'high', label: 'high word first' }]} />
          <InputField form={form} name="unit" label="Unit" placeholder="C, bar, m3/h" />
          <InputField form={form} name="scale" label="Scale" type="number" hint="value = raw × scale + offset" />
          <InputField form={form} name="offset" label="Offset" type="number" />
          <InputField form={form} name="warn" label="Warning at" type="number" hint="At or above: warning" />
          <InputField form={form} name="crit" label="Critical at" type="number" hint="At or above: critical" />
          <InputField form={form} name="decimals" label="Decimals" type="number" hint="Shown (0-6); default from type and scale" />
          <InputField form={form} name="description" label="Description" wide />
        </div>
        <div class="form-actions">
          <button type="button" class="btn" onClick={() => props.onDone(false)}>
            Cancel
          </button>
          <button type="submit" class="btn primary" disabled={form.busy()} aria-busy={form.busy()}>
            {editing ? 'Save tag' : 'Add tag'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
