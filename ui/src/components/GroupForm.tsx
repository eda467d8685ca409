import { Show } from 'solid-js';
import { useApp } from '../lib/context.js';
import { createFormModel } from '../lib/form-model.js';
import { submitForm } from '../lib/form-submit.js';
import { groupFields, groupValues, prefixed, tagBody, tagValues, unprefixed, withoutNulls } from '../lib/form-values.js';
import { DATA_TYPES, groupSchema, MIN_INTERVAL_MS, type GroupInput, type GroupView } from '../lib/schemas/config.js';
import { CheckField } from './CheckField.js';
import { FormErrorList } from './FormErrorList.js';
import { InputField } from './InputField.js';
import { Modal } from './Modal.js';
import { SelectField } from './SelectField.js';

export interface GroupFormProps {
  readonly group?: GroupView;
  readonly devices: readonly string[];
  readonly onDone: (saved: boolean) => void;
}

const FIRST_TAG = 'tags[0].';
const KNOWN = new Set([...Object.keys(groupValues()), ...Object.keys(prefixed(tagValues(), FIRST_TAG))]);

/**
 * Add a group (with its first tag: a group needs one) or change an existing group's own fields
 * (PATCH: its tags are edited on the Tags tab). A new interval applies from the next cycle.
 */
export function GroupForm(props: GroupFormProps) {
  const app = useApp();
  const editing = props.group !== undefined;
  const initial = groupValues(props.group);
  if (!editing && initial.device === '') initial.device = props.devices[0] ?? '';
  const form = createFormModel(editing ? initial : { ...initial, ...prefixed(tagValues(), FIRST_TAG) });
  const handshake = () => form.text('mode') === 'handshake';

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const element = e.currentTarget instanceof HTMLElement ? e.currentTarget : undefined;
    const fields = groupFields(form.values);
    const tags = editing ? (props.group?.tags ?? []) : [tagBody(unprefixed(form.values, FIRST_TAG))];
    const whole = { ...withoutNulls(fields), ...(editing ? { name: props.group?.name } : {}), tags };
    const ok = await submitForm(form, {
      check: { schema: groupSchema, body: whole },
      known: KNOWN,
      element,
      send: async () => {
        if (editing) {
          const { name: _name, ...patch } = fields;
          await app.api.patchGroup(props.group?.name ?? '', patch);
        } else {
          const checked: GroupInput = groupSchema.parse(whole);
          await app.api.addGroup(checked);
        }
      },
    });
    if (ok) {
      app.toasts.show('ok', editing ? `Group ${props.group?.name ?? ''} saved; applied from its next cycle.` : `Group ${String(fields.name)} added${fields.enabled ? ' and polling' : ''}.`);
      props.onDone(true);
    }
  };

  return (
    <Modal title={editing ? `Edit group ${props.group?.name ?? ''}` : 'Add a polling group'} onClose={() => props.onDone(false)} wide>
      <form class="entity-form" onSubmit={(e) => void submit(e)} novalidate>
        <FormErrorList errors={form.errors().form} />
        <div class="form-grid">
          <InputField form={form} name="name" label="Name" required readOnly={editing} />
          <SelectField form={form} name="device" label="Device" options={props.devices.map((d) => ({ value: d, label: d }))} />
          <CheckField form={form} name="enabled" label="Enabled (polls at start)" />
          <SelectField form={form} name="mode" label="Mode" options={[{ value: 'fixed', label: 'Fixed interval' }, { value: 'handshake', label: 'Handshake (on trigger)' }]} />
          <Show when={!handshake()}>
            <InputField form={form} name="intervalMs" label="Interval (ms)" type="number" hint={`At least ${MIN_INTERVAL_MS} ms`} />
          </Show>
          <Show when={handshake()}>
            <InputField form={form} name="trigger.bit" label="Trigger bit" placeholder="M100" required hint="PLC bit; a rising edge requests a poll" />
            <InputField form={form} name="trigger.ack" label="Acknowledge bit" placeholder="M101" hint="Set by the collector after the poll" />
            <InputField form={form} name="trigger.watchMs" label="Watch every (ms)" type="number" />
          </Show>
        </div>
        <fieldset class="form-section">
          <legend>Recording (default of the group's tags)</legend>
          <div class="form-grid">
            <SelectField form={form} name="record.mode" label="Record" options={[{ value: '', label: 'every poll (default)' }, { value: 'every', label: 'every poll' }, { value: 'change', label: 'on change' }]} />
            <InputField form={form} name="record.deadband" label="Deadband" type="number" hint="Engineering units" />
            <InputField form={form} name="record.deadbandPercent" label="Deadband (%)" type="number" />
            <InputField form={form} name="record.heartbeatS" label="Heartbeat (s)" type="number" hint="Record at least this often" />
          </div>
        </fieldset>
        <Show when={!editing}>
          <fieldset class="form-section">
            <legend>First tag (a group needs at least one)</legend>
            <div class="form-grid">
              <InputField form={form} name={`${FIRST_TAG}name`} label="Tag name" required />
              <InputField form={form} name={`${FIRST_TAG}address`} label="Address" required placeholder="D100" />
              <SelectField form={form} name={`${FIRST_TAG}type`} label="Type" options={DATA_TYPES.map((t) => ({ value: t, label: t }))} />
              <Show when={form.text(`${FIRST_TAG}type`) === 'string'}>
                <InputField form={form} name={`${FIRST_TAG}length`} label="Length (words)" type="number" required />
              </Show>
              <InputField form={form} name={`${FIRST_TAG}unit`} label="Unit" />
            </div>
          </fieldset>
        </Show>
        <div class="form-actions">
          <button type="button" class="btn" onClick={() => props.onDone(false)}>
            Cancel
          </button>
          <button type="submit" class="btn primary" disabled={form.busy()} aria-busy={form.busy()}>
            {editing ? 'Save group' : 'Add group'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
