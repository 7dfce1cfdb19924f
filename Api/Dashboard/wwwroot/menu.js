// Menu edits from the page. PUT /api/v1/stores/{id}/menu replaces the whole menu (docs/orders.md), so
// adding an item sends the menu as last read, every item with its id (so ids, and orders that name
// them, stay valid), plus the new item in its category. Pure functions: tests/e2e page-modules test them.

/** The request body of the menu with `item` added to `category` (created at the end when new). */
export function menuWithItem(menu, category, item) {
  const categories = (menu?.categories ?? []).map((c) => ({
    name: c.name,
    items: c.items.map(({ id, name, price, description, available }) => ({ id, name, price, description, available })),
  }));
  let index = categories.findIndex((c) => c.name === category);
  if (index < 0) index = categories.push({ name: category, items: [] }) - 1;
  categories[index].items.push(item);
  return {
    body: { categories },
    // Where the API reports errors of the new item and of its category (JSON paths, docs/orders.md).
    itemPath: `categories[${index}].items[${categories[index].items.length - 1}]`,
    categoryPath: `categories[${index}].name`,
  };
}

/** Every item of a menu with its category, in menu order. */
export function menuItems(menu) {
  return (menu?.categories ?? []).flatMap((c) => c.items.map((item) => ({ ...item, category: c.name })));
}

/**
 * A price typed in the form: a whole number of minor units (docs/orders.md "Money"). Anything else is
 * sent as typed, so the API's own validation answers for it, next to the field.
 */
export function priceOf(text) {
  const trimmed = String(text).trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}
