import { Box } from 'ink';
import { Indicator, Item } from 'ink-select-input';

/**
 * A menu drawn from the reducer's highlight. It draws with ink-select-input's own indicator and item,
 * but not its SelectInput: that keeps the highlight in component state and reads it in its key
 * handler's closure, so Down and Enter arriving in one read chose the item highlighted before the
 * Down; and its digit keys chose an item (1 wrote). The review's key handler moves this highlight.
 */
export function Menu({ items, selected }: { items: readonly string[]; selected: number }) {
  return (
    <Box flexDirection="column">
      {items.map((label, i) => (
        <Box key={label}>
          <Indicator isSelected={i === selected} />
          <Item label={label} isSelected={i === selected} />
        </Box>
      ))}
    </Box>
  );
}
