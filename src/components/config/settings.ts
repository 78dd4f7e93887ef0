import { PulseOptions, SecureField } from '../../types';
import { ConfigProps } from './types';

/** The helpers a source's config editor writes its settings with. */
export interface SettingsEditor {
  jsonData: PulseOptions;
  /** Merges patch into jsonData; a key set to undefined is dropped, so the backend's default applies. */
  setJson: (patch: Record<string, unknown>) => void;
  /** Whether Grafana says the secret is stored (it sends back only that, never the value). */
  isSet: (field: SecureField) => boolean;
  /** The secret as typed in this session, or empty. */
  typed: (field: SecureField) => string;
  setSecret: (field: SecureField, value: string) => void;
  /** Forgets a stored secret: Grafana then stores the empty text in its place. */
  resetSecret: (field: SecureField) => void;
  /** Stored, or typed in this session. */
  has: (field: SecureField) => boolean;
  /** Neither stored nor typed. */
  missing: (field: SecureField) => boolean;
  /** Applies a whole change at once: jsonData patched, secrets typed, secrets reset. */
  change: (patch: SettingsPatch) => void;
}

/** One change to the settings, applied together so no half of it is lost to a stale copy. */
export interface SettingsPatch {
  json?: Record<string, unknown>;
  secrets?: Partial<Record<SecureField, string>>;
  reset?: readonly SecureField[];
}

/** The settings helpers over a config editor's props. */
export function settingsEditor({ options, onOptionsChange }: ConfigProps): SettingsEditor {
  const jsonData = options.jsonData;
  const change = ({ json = {}, secrets = {}, reset = [] }: SettingsPatch) => {
    const nextJson: Record<string, unknown> = { ...jsonData, ...json };
    for (const [key, value] of Object.entries(json)) {
      if (value === undefined) {
        delete nextJson[key];
      }
    }
    // Resets first: a secret both reset and typed ends up not stored and set to what was typed.
    const secureJsonData: Record<string, string | undefined> = { ...options.secureJsonData };
    const secureJsonFields: Record<string, boolean> = { ...options.secureJsonFields };
    for (const field of reset) {
      secureJsonFields[field] = false;
      secureJsonData[field] = '';
    }
    Object.assign(secureJsonData, secrets);
    onOptionsChange({
      ...options,
      jsonData: nextJson as PulseOptions,
      ...(reset.length > 0 ? { secureJsonFields } : {}),
      ...(reset.length > 0 || Object.keys(secrets).length > 0 ? { secureJsonData } : {}),
    });
  };
  const isSet = (field: SecureField) => options.secureJsonFields?.[field] === true;
  const typed = (field: SecureField) => options.secureJsonData?.[field] ?? '';
  return {
    jsonData,
    setJson: (json) => change({ json }),
    isSet,
    typed,
    setSecret: (field, value) => change({ secrets: { [field]: value } }),
    resetSecret: (field) => change({ reset: [field] }),
    has: (field) => isSet(field) || typed(field) !== '',
    missing: (field) => !isSet(field) && typed(field).trim() === '',
    change,
  };
}
