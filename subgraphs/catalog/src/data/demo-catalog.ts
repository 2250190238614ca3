/**
 * The demo catalog (SPEC "Demo data"): 8 brands, 8 categories, 64 products with exact prices
 * (several at 100.00 or more, so SAVE20 applies), varied stock and a few out of stock. Ids are
 * fixed so tests and docs can name them:
 *   brand     b0000000-0000-4000-8000-0000000000NN
 *   category  c0000000-0000-4000-8000-0000000000NN
 *   product   a0000000-0000-4000-8000-000000000NNN   (NNN = 001 … 064, in the order below)
 */

const brandId = (n: number) => `b0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const categoryId = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const demoProductId = (n: number) => `a0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const DEMO_BRANDS = [
  { id: brandId(1), name: 'Nordvik' },
  { id: brandId(2), name: 'Lumen & Co' },
  { id: brandId(3), name: 'Trailhead' },
  { id: brandId(4), name: 'Kettle & Crane' },
  { id: brandId(5), name: 'Pixel Forge' },
  { id: brandId(6), name: 'Woolly Mill' },
  { id: brandId(7), name: 'Ashgrove' },
  { id: brandId(8), name: 'Inkwell' },
] as const;

export const DEMO_CATEGORIES = [
  { id: categoryId(1), name: 'Kitchen' },
  { id: categoryId(2), name: 'Lighting' },
  { id: categoryId(3), name: 'Outdoor' },
  { id: categoryId(4), name: 'Tea & Coffee' },
  { id: categoryId(5), name: 'Electronics' },
  { id: categoryId(6), name: 'Home Textiles' },
  { id: categoryId(7), name: 'Furniture' },
  { id: categoryId(8), name: 'Stationery' },
] as const;

type BrandName = (typeof DEMO_BRANDS)[number]['name'];
type CategoryName = (typeof DEMO_CATEGORIES)[number]['name'];

/** [sku, name, brand, category, price, stock, description] */
type Row = [string, string, BrandName, CategoryName, string, number, string];

const ROWS: Row[] = [
  ['NV-MUG-BLUE', 'Blue Mug', 'Nordvik', 'Kitchen', '12.50', 40, 'Stoneware mug, 350 ml, glazed in deep blue.'],
  ['NV-MUG-WHITE', 'White Mug', 'Nordvik', 'Kitchen', '11.90', 55, 'Stoneware mug, 350 ml, matte white.'],
  ['NV-BOWL-SET', 'Stoneware Bowl Set', 'Nordvik', 'Kitchen', '34.00', 18, 'Four 600 ml bowls that stack neatly.'],
  ['NV-KNIFE-CHEF', "Chef's Knife 20 cm", 'Nordvik', 'Kitchen', '89.00', 12, 'Forged stainless steel, full tang, oak handle.'],
  ['NV-PAN-CAST', 'Cast Iron Pan 28 cm', 'Nordvik', 'Kitchen', '129.00', 7, 'Pre-seasoned cast iron for every heat source.'],
  ['NV-BOARD-OAK', 'Oak Cutting Board', 'Nordvik', 'Kitchen', '45.00', 0, 'End-grain oak, 40 × 30 cm.'],
  ['NV-JAR-GLASS', 'Glass Storage Jar', 'Nordvik', 'Kitchen', '8.75', 120, 'Airtight borosilicate jar, 1 l.'],
  ['NV-TOWEL-LINEN', 'Linen Tea Towel', 'Nordvik', 'Home Textiles', '9.95', 64, 'Stonewashed linen, 50 × 70 cm.'],
  ['LC-LAMP-DESK', 'Brass Desk Lamp', 'Lumen & Co', 'Lighting', '149.00', 9, 'Adjustable arm, warm 2700 K LED.'],
  ['LC-LAMP-FLOOR', 'Arc Floor Lamp', 'Lumen & Co', 'Lighting', '249.00', 4, 'Marble base, 190 cm arc, dimmable.'],
  ['LC-BULB-EDISON', 'Edison Bulb E27', 'Lumen & Co', 'Lighting', '6.50', 200, 'Filament LED, 4 W, 2200 K.'],
  ['LC-PENDANT-GLASS', 'Glass Pendant Light', 'Lumen & Co', 'Lighting', '119.00', 0, 'Hand-blown smoked glass shade, 30 cm.'],
  ['LC-STRING-LIGHTS', 'Garden String Lights', 'Lumen & Co', 'Outdoor', '39.90', 35, '15 m, 30 warm-white bulbs, weatherproof.'],
  ['LC-LANTERN-SOLAR', 'Solar Lantern', 'Lumen & Co', 'Outdoor', '24.00', 3, 'Charges by day, glows for 8 hours.'],
  ['LC-CANDLE-SOY', 'Soy Candle Cedar', 'Lumen & Co', 'Home Textiles', '18.00', 80, 'Cedar and vetiver, 45 hours of burning.'],
  ['LC-NIGHT-LIGHT', 'Moon Night Light', 'Lumen & Co', 'Lighting', '29.50', 22, 'Soft glow, USB rechargeable.'],
  ['TH-TENT-2P', 'Two-Person Tent', 'Trailhead', 'Outdoor', '219.00', 6, 'Freestanding, 2.1 kg, three seasons.'],
  ['TH-BAG-SLEEP', 'Down Sleeping Bag', 'Trailhead', 'Outdoor', '179.00', 0, 'Comfort −2 °C, 900 g, packs small.'],
  ['TH-BOTTLE-STEEL', 'Steel Water Bottle', 'Trailhead', 'Outdoor', '27.00', 90, 'Vacuum insulated, 750 ml, cold for 24 h.'],
  ['TH-STOVE-GAS', 'Camping Stove', 'Trailhead', 'Outdoor', '59.00', 14, 'Boils a litre in 3 minutes.'],
  ['TH-MUG-ENAMEL', 'Enamel Camp Mug', 'Trailhead', 'Kitchen', '14.00', 48, 'Enamelled steel, 400 ml, speckled blue.'],
  ['TH-CHAIR-FOLD', 'Folding Camp Chair', 'Trailhead', 'Furniture', '49.00', 2, 'Aluminium frame, 1 kg, holds 120 kg.'],
  ['TH-HEADLAMP', 'Rechargeable Headlamp', 'Trailhead', 'Lighting', '34.90', 27, '400 lumen, red light mode, USB-C.'],
  ['TH-BLANKET-PICNIC', 'Picnic Blanket', 'Trailhead', 'Home Textiles', '44.00', 16, 'Waterproof backing, 200 × 150 cm.'],
  ['KC-TEA-SENCHA', 'Sencha Green Tea 100 g', 'Kettle & Crane', 'Tea & Coffee', '9.80', 75, 'First flush sencha from Shizuoka.'],
  ['KC-TEA-EARLGREY', 'Earl Grey Tea 100 g', 'Kettle & Crane', 'Tea & Coffee', '8.40', 60, 'Ceylon black tea with bergamot.'],
  ['KC-COFFEE-BEANS', 'House Espresso Beans 1 kg', 'Kettle & Crane', 'Tea & Coffee', '32.00', 30, 'Chocolate and hazelnut, medium roast.'],
  ['KC-KETTLE-GOOSE', 'Gooseneck Kettle', 'Kettle & Crane', 'Tea & Coffee', '99.00', 8, 'Temperature control to the degree, 0.9 l.'],
  ['KC-GRINDER-BURR', 'Burr Coffee Grinder', 'Kettle & Crane', 'Tea & Coffee', '189.00', 5, '40 grind settings, conical steel burrs.'],
  ['KC-POUROVER', 'Ceramic Pour-Over Dripper', 'Kettle & Crane', 'Tea & Coffee', '22.00', 0, 'Fits size 02 filters.'],
  ['KC-TEAPOT-CAST', 'Cast Iron Teapot', 'Kettle & Crane', 'Kitchen', '64.00', 11, 'Tetsubin style, 800 ml, with infuser.'],
  ['KC-ESPRESSO-MACHINE', 'Espresso Machine', 'Kettle & Crane', 'Electronics', '1299.00', 3, 'Dual boiler, PID, rotary pump.'],
  ['PF-HEADPHONES', 'Wireless Headphones', 'Pixel Forge', 'Electronics', '199.00', 25, 'Noise cancelling, 30 hours of battery.'],
  ['PF-EARBUDS', 'True Wireless Earbuds', 'Pixel Forge', 'Electronics', '89.90', 40, 'IPX4, wireless charging case.'],
  ['PF-SPEAKER', 'Bluetooth Speaker', 'Pixel Forge', 'Electronics', '59.90', 33, '360° sound, floats in water.'],
  ['PF-KEYBOARD', 'Mechanical Keyboard', 'Pixel Forge', 'Electronics', '139.00', 0, 'Hot-swappable switches, aluminium case.'],
  ['PF-MOUSE', 'Ergonomic Mouse', 'Pixel Forge', 'Electronics', '49.00', 51, 'Vertical grip, silent clicks.'],
  ['PF-CHARGER-65W', '65 W USB-C Charger', 'Pixel Forge', 'Electronics', '39.00', 70, 'Two ports, GaN, folds flat.'],
  ['PF-LAMP-SMART', 'Smart Bulb Starter Kit', 'Pixel Forge', 'Lighting', '79.00', 19, 'Three colour bulbs and a bridge.'],
  ['PF-CABLE-USBC', 'Braided USB-C Cable 2 m', 'Pixel Forge', 'Electronics', '12.00', 150, '100 W, braided nylon.'],
  ['WM-THROW-WOOL', 'Merino Wool Throw', 'Woolly Mill', 'Home Textiles', '119.00', 10, 'Loomed merino, 130 × 180 cm.'],
  ['WM-CUSHION-LINEN', 'Linen Cushion Cover', 'Woolly Mill', 'Home Textiles', '24.50', 44, '50 × 50 cm, hidden zip.'],
  ['WM-RUG-JUTE', 'Jute Rug 160 × 230', 'Woolly Mill', 'Home Textiles', '229.00', 4, 'Hand-braided natural jute.'],
  ['WM-DUVET-SET', 'Percale Duvet Set', 'Woolly Mill', 'Home Textiles', '139.00', 0, 'Cotton percale, double, with two pillowcases.'],
  ['WM-SOCKS-HIKE', 'Hiking Socks (2 pairs)', 'Woolly Mill', 'Outdoor', '19.90', 85, 'Merino blend, cushioned sole.'],
  ['WM-BEANIE', 'Ribbed Beanie', 'Woolly Mill', 'Outdoor', '29.00', 37, 'Lambswool, one size.'],
  ['WM-APRON', 'Canvas Apron', 'Woolly Mill', 'Kitchen', '36.00', 21, 'Waxed canvas, leather straps.'],
  ['WM-SCARF', 'Cashmere Scarf', 'Woolly Mill', 'Home Textiles', '159.00', 1, 'Pure cashmere, 180 × 30 cm.'],
  ['AG-CHAIR-DINING', 'Oak Dining Chair', 'Ashgrove', 'Furniture', '189.00', 12, 'Solid oak, woven paper-cord seat.'],
  ['AG-TABLE-SIDE', 'Walnut Side Table', 'Ashgrove', 'Furniture', '159.00', 6, 'Solid walnut, 45 cm across.'],
  ['AG-SHELF-WALL', 'Floating Wall Shelf', 'Ashgrove', 'Furniture', '54.00', 28, 'Ash veneer, 80 cm, hidden bracket.'],
  ['AG-STOOL-BAR', 'Bar Stool', 'Ashgrove', 'Furniture', '129.00', 0, 'Steel frame, oak seat, 75 cm.'],
  ['AG-DESK-STANDING', 'Standing Desk', 'Ashgrove', 'Furniture', '649.00', 2, 'Electric, two motors, 140 × 70 cm oak top.'],
  ['AG-TRAY-SERVING', 'Serving Tray', 'Ashgrove', 'Kitchen', '38.00', 26, 'Beech with brass handles.'],
  ['AG-PLANTER', 'Wooden Planter Box', 'Ashgrove', 'Outdoor', '69.00', 9, 'Cedar, lined, 60 cm.'],
  ['AG-BENCH-GARDEN', 'Garden Bench', 'Ashgrove', 'Outdoor', '349.00', 3, 'Teak, seats three.'],
  ['IW-NOTEBOOK-A5', 'Dotted Notebook A5', 'Inkwell', 'Stationery', '16.00', 110, '192 pages, 100 g paper, lays flat.'],
  ['IW-PEN-FOUNTAIN', 'Fountain Pen', 'Inkwell', 'Stationery', '75.00', 15, 'Steel nib, medium, piston filler.'],
  ['IW-INK-BLUE', 'Blue Ink Bottle 50 ml', 'Inkwell', 'Stationery', '14.50', 0, 'Quick-drying royal blue.'],
  ['IW-PENCIL-SET', 'Graphite Pencil Set', 'Inkwell', 'Stationery', '11.00', 95, 'Twelve grades from 4H to 8B.'],
  ['IW-PLANNER', 'Weekly Planner', 'Inkwell', 'Stationery', '24.00', 42, 'Undated, linen cover.'],
  ['IW-DESK-ORGANIZER', 'Desk Organizer', 'Inkwell', 'Furniture', '42.00', 17, 'Oak, five compartments.'],
  ['IW-LAMP-READING', 'Clip-On Reading Light', 'Inkwell', 'Lighting', '19.00', 58, 'Three brightness levels, USB.'],
  ['IW-STAMP-KIT', 'Wax Seal Kit', 'Inkwell', 'Stationery', '2.50', 5, 'Brass stamp and two wax sticks.'],
];

export interface DemoProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  brandId: string;
  categoryId: string;
  price: string;
  availableQuantity: number;
  imageUrl: string;
  createdAt: Date;
}

const brandIdOf = new Map(DEMO_BRANDS.map((b) => [b.name as string, b.id as string]));
const categoryIdOf = new Map(DEMO_CATEGORIES.map((c) => [c.name as string, c.id as string]));
/** Products were "added" one hour apart, so NEWEST has a fixed order. */
const FIRST_ADDED = Date.parse('2025-01-06T09:00:00.000Z');

export const DEMO_PRODUCTS: readonly DemoProduct[] = ROWS.map(([sku, name, brand, category, price, stock, description], i) => ({
  id: demoProductId(i + 1),
  sku,
  name,
  description,
  brandId: brandIdOf.get(brand)!,
  categoryId: categoryIdOf.get(category)!,
  price,
  availableQuantity: stock,
  imageUrl: `https://picsum.photos/seed/${sku.toLowerCase()}/600/600`,
  createdAt: new Date(FIRST_ADDED + i * 3_600_000),
}));

/** Words that make the variants of a demo product distinct (and searchable) in a larger catalog. */
const EDITIONS = ['Classic', 'Compact', 'Large', 'Travel', 'Deluxe', 'Heritage', 'Studio', 'Everyday', 'Limited', 'Nordic', 'Urban', 'Field'];

/**
 * The demo catalog grown to `count` products (at least the 64 above, which come first, unchanged),
 * for load tests and for trying the storefront on a catalog of realistic size. Product n > 64 is
 * an edition of demo row (n − 1) mod 64: same brand, category and description, its own name
 * ("Travel Blue Mug No. 7"), SKU (`NV-MUG-BLUE-0007`), price (the demo price × 0.80–1.20) and
 * stock (0–49, so some are out of stock), one hour newer than the one before. Deterministic: the
 * same count gives the same catalog, with the ids `demoProductId(n)`.
 */
export function demoCatalogOf(count: number): DemoProduct[] {
  const products = DEMO_PRODUCTS.slice(0, Math.max(0, count));
  for (let n = DEMO_PRODUCTS.length + 1; n <= count; n++) {
    const base = DEMO_PRODUCTS[(n - 1) % DEMO_PRODUCTS.length];
    const edition = Math.floor((n - 1) / DEMO_PRODUCTS.length);
    const cents = Math.round(Number(base.price) * 100 * (0.8 + ((n * 37) % 41) / 100));
    products.push({
      ...base,
      id: demoProductId(n),
      sku: `${base.sku}-${String(edition).padStart(4, '0')}`,
      name: `${EDITIONS[edition % EDITIONS.length]} ${base.name} No. ${edition}`,
      price: (Math.max(cents, 1) / 100).toFixed(2),
      availableQuantity: (n * 13) % 50,
      imageUrl: `https://picsum.photos/seed/${base.sku.toLowerCase()}-${edition}/600/600`,
      createdAt: new Date(FIRST_ADDED + (n - 1) * 3_600_000),
    });
  }
  return products;
}
