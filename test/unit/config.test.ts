import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config';

describe('loadConfig', () => {
  it('treats a variable set to nothing as unset, so a blank number is its default, not 0', () => {
    const config = loadConfig({ TABLE_NAME: 't', ALERT_TARGET: '', MIN_N: ' ' } as NodeJS.ProcessEnv);
    expect(config.ALERT_TARGET).toBe(80);
    expect(config.MIN_N).toBe(30);
    expect(loadConfig({ TABLE_NAME: 't', ALERT_TARGET: '85' } as NodeJS.ProcessEnv).ALERT_TARGET).toBe(85);
  });

  it('still refuses a required variable set to nothing, naming it', () => {
    expect(() => loadConfig({ TABLE_NAME: '' } as NodeJS.ProcessEnv)).toThrow(
      /invalid configuration: TABLE_NAME/,
    );
  });
});
