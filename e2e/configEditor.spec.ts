import { expect, test } from '@grafana/plugin-e2e';

import type { PulseOptions } from '../src/types';
import { DATASOURCE_FILE, DATASOURCE_NAME, PLUGIN_ID } from './pulse';

test.describe('config editor', () => {
  test('the provisioned data source shows its limits and passes Save & test', async ({
    readProvisionedDataSource,
    gotoDataSourceConfigPage,
    page,
  }) => {
    const ds = await readProvisionedDataSource<PulseOptions>({ fileName: DATASOURCE_FILE, name: DATASOURCE_NAME });
    const configPage = await gotoDataSourceConfigPage(ds.uid);

    await expect(page.getByLabel('Minimum step (ms)', { exact: true })).toHaveValue(String(ds.jsonData.minStepMs));
    await expect(page.getByLabel('Maximum series', { exact: true })).toHaveValue(String(ds.jsonData.maxSeries));
    await expect(configPage.saveAndTest()).toBeOK();
    await expect(configPage).toHaveAlert('success', { hasText: /Pulse is ready/ });
  });

  test('a new data source saves the limits typed into the editor', async ({
    createDataSourceConfigPage,
    page,
    request,
  }) => {
    const configPage = await createDataSourceConfigPage({ type: PLUGIN_ID });
    const maxSeries = page.getByLabel('Maximum series', { exact: true });
    await maxSeries.fill('8');
    await maxSeries.press('Tab');

    await expect(configPage.saveAndTest()).toBeOK();
    await expect(configPage).toHaveAlert('success', { hasText: /up to 8 series/ });
    const saved = await request.get(`/api/datasources/uid/${configPage.datasource.uid}`);
    expect(saved.ok()).toBe(true);
    expect((await saved.json()).jsonData).toMatchObject({ maxSeries: 8 });
  });
});
