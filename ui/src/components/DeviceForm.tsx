import { Show } from 'solid-js';
import { useApp } from '../lib/context.js';
import { createFormModel } from '../lib/form-model.js';
import { submitForm } from '../lib/form-submit.js';
import { deviceBody, deviceValues } from '../lib/form-values.js';
import { deviceSchema, PROTOCOLS, type DeviceInput, type DeviceView } from '../lib/schemas/config.js';
import { CheckField } from './CheckField.js';
import { FormErrorList } from './FormErrorList.js';
import { InputField } from './InputField.js';
import { Modal } from './Modal.js';
import { SelectField } from './SelectField.js';

export interface DeviceFormProps {
  /** The device to edit; absent: a new one. */
  readonly device?: DeviceView;
  readonly onDone: (saved: boolean) => void;
}

const KNOWN = new Set(Object.keys(deviceValues()));
const PROTOCOL_TEXT: Record<string, string> = { mc1e: 'MC 1E (Mitsubishi FX3)', mc3e: 'MC 3E (Mitsubishi)', mc4e: 'MC 4E (Mitsubishi)', modbus: 'Modbus TCP', sim: 'Simulated (tests)' };

/** Add or edit a device. Checked with the server's own schema first; the server's answer next. */
export function DeviceForm(props: DeviceFormProps) {
  const app = useApp();
  const editing = props.device !== undefined;
  const form = createFormModel(deviceValues(props.device));
  const mc = () => form.text('protocol').startsWith('mc');
  const modbus = () => form.text('protocol') === 'modbus';

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const element = e.currentTarget instanceof HTMLElement ? e.currentTarget : undefined;
    const body = deviceBody(form.values);
    const name = props.device?.name ?? '';
    const ok = await submitForm(form, {
      check: { schema: deviceSchema, body },
      known: KNOWN,
      element,
      send: async () => {
        // The body passed the server's schema just above: it is a DeviceInput.
        const checked: DeviceInput = deviceSchema.parse(body);
        if (editing) await app.api.replaceDevice(name, checked);
        else await app.api.addDevice(checked);
      },
    });
    if (ok) {
      app.toasts.show('ok', `Device ${String(body.name)} ${editing ? 'saved' : 'added'}; applied without restart.`);
      props.onDone(true);
    }
  };

  return (
    <Modal title={editing ? `Edit device ${props.device?.name ?? ''}` : 'Add a device'} onClose={() => props.onDone(false)} wide>
      <form class="entity-form" onSubmit={(e) => void submit(e)} novalidate>
        <FormErrorList errors={form.errors().form} />
        <div class="form-grid">
          <InputField form={form} name="name" label="Name" required readOnly={editing} hint={editing ? 'A device keeps its name' : 'Letters, digits, _ - .'} />
          <SelectField form={form} name="protocol" label="Protocol" options={PROTOCOLS.map((p) => ({ value: p, label: PROTOCOL_TEXT[p] ?? p }))} />
          <CheckField form={form} name="enabled" label="Enabled" />
          <InputField form={form} name="host" label="Host" required />
          <InputField form={form} name="port" label="Port" type="number" required placeholder={modbus() ? '502' : '5001'} />
          <InputField form={form} name="timeoutMs" label="Timeout (ms)" type="number" />
          <Show when={mc()}>
            <SelectField form={form} name="encoding" label="Encoding" options={[{ value: 'binary', label: 'binary' }, { value: 'ascii', label: 'ASCII' }]} />
            <SelectField form={form} name="series" label="PLC series" options={[{ value: 'q', label: 'Q / L' }, { value: 'iqr', label: 'iQ-R' }, { value: 'fx', label: 'FX5' }, { value: 'fx3', label: 'FX3 (1E)' }]} />
            <SelectField form={form} name="transport" label="Transport" options={[{ value: 'tcp', label: 'TCP' }, { value: 'udp', label: 'UDP' }]} />
            <Show when={form.text('transport') === 'udp'}>
              <InputField form={form} name="localPort" label="Local UDP port" type="number" hint="Empty: any free port" />
            </Show>
            <InputField form={form} name="network" label="Network no." type="number" />
            <InputField form={form} name="station" label="PC no. (station)" type="number" />
            <Show when={form.text('protocol') === 'mc4e'}>
              <CheckField form={form} name="pipeline" label="Pipeline requests (4E)" />
            </Show>
          </Show>
          <Show when={modbus()}>
            <InputField form={form} name="unitId" label="Unit id" type="number" />
            <SelectField form={form} name="addressBase" label="Addresses" options={[{ value: '0', label: 'zero-based (protocol)' }, { value: '1', label: 'one-based (register no.)' }]} />
          </Show>
          <SelectField form={form} name="wordOrder" label="Word order (32/64-bit)" options={[{ value: '', label: 'protocol default' }, { value: 'low', label: 'low word first' }, { value: 'high', label: 'high word first' }]} />
          <SelectField form={form} name="byteOrder" label="String byte order" options={[{ value: '', label: 'protocol default' }, { value: 'little', label: 'little' }, { value: 'big', label: 'big' }]} />
          <InputField form={form} name="retries" label="Retries" type="number" />
          <InputField form={form} name="retryDelayMs" label="Retry delay (ms)" type="number" />
          <InputField form={form} name="connectTimeoutMs" label="Connect timeout (ms)" type="number" />
          <InputField form={form} name="refusedRetryMs" label="Retry refused addresses (ms)" type="number" placeholder="60000" />
        </div>
        <div class="form-actions">
          <button type="button" class="btn" onClick={() => props.onDone(false)}>
            Cancel
          </button>
          <button type="submit" class="btn primary" disabled={form.busy()} aria-busy={form.busy()}>
            {editing ? 'Save device' : 'Add device'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
