// The options of a picker of shipped datasets, in the registry's order and with its labels.
import { datasets, shippedDatasets } from '../data/datasets';

export function ShippedDatasetOptions() {
  return shippedDatasets.map((d) => (
    <option key={d} value={d}>
      {datasets[d].label}
    </option>
  ));
}
