"""Procedural toy world (v3): deterministic seeded scenes, captions, masks, reference instances.

v3 is smaller on purpose, so a 1.5 M UNet trained for an hour on 2 CPU cores draws what it is
told: 5 classes with distinct silhouettes (no ring: a ring and a ball are one blob at 32 px),
6 colour words (no orange/purple/pink: neighbours of red/blue), no pattern words in captions,
4 backgrounds, at most 2 objects per scene and larger objects. References keep off-palette
two-tone designs and add photo-like textures (smooth colour noise), so a photograph used as a
reference is close to something the adapters saw.

Everything is rendered with PIL at 4x supersampling and box-downsampled to SIZE (32), so
edges are anti-aliased and there is no per-pixel noise (textures are structured).
"""
import colorsys
import math

import numpy as np
from PIL import Image, ImageDraw

SIZE = 32
SS = 4  # supersampling factor
MAXLEN = 16

CLASSES = ["ball", "box", "star", "heart", "toy"]
COLORS = {  # named palette
    "red": (220, 40, 40), "yellow": (245, 220, 40), "green": (40, 170, 60),
    "blue": (40, 80, 220), "white": (245, 245, 245), "black": (25, 25, 25),
}
COLOR_NAMES = list(COLORS)
PATTERNS = ["solid", "striped", "dotted", "checkered"]  # rendered by named_design; v3 captions use none
P_PATTERN = 0.0  # share of named objects with a pattern word (v2: 0.45)
BACKGROUNDS = ["grass", "sky", "sand", "wood"]
BG_PHRASE = {"grass": "on grass", "sky": "in the sky", "sand": "on sand", "wood": "on wood"}
BG_WORDS = ["grass", "sky", "sand", "wood"]
DESIGN_KINDS = ["solid", "stripes", "halves", "dots", "noise"]

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
VOCAB = SPECIALS + ["a", "and"] + COLOR_NAMES + CLASSES + ["on", "in", "the"] + BG_WORDS
WORD2ID = {w: i for i, w in enumerate(VOCAB)}
PAD, BOS, EOS, UNK = 0, 1, 2, 3

# held out of training entirely (evaluation measures generalization)
HELDOUT_COMBOS = {("red", "star"), ("blue", "heart"), ("yellow", "box"), ("green", "toy"), ("white", "ball")}
HELDOUT_HUE = (0.42, 0.50)  # reference designs whose first hue falls here (teal/cyan)


def tokenize(text, maxlen=MAXLEN):
    import re
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    ids = [BOS] + [WORD2ID.get(w, UNK) for w in words][: maxlen - 2] + [EOS]
    return ids + [PAD] * (maxlen - len(ids))


def word_positions(text, maxlen=MAXLEN):
    """token index (in tokenize() output) of each word"""
    import re
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    return {i + 1: w for i, w in enumerate(words[: maxlen - 2])}


# ----------------------------------------------------------------------------- shapes

def _shape_mask(cls, cx, cy, s):
    """L-mode mask at SIZE*SS of a class centred at (cx, cy) with bbox side s (pixels @SIZE)."""
    W = SIZE * SS
    m = Image.new("L", (W, W), 0)
    d = ImageDraw.Draw(m)
    X, Y, S = cx * SS, cy * SS, s * SS
    R = S / 2
    if cls == "ball":
        d.ellipse([X - R, Y - R, X + R, Y + R], fill=255)
    elif cls == "box":
        r = R * 0.85
        d.rectangle([X - r, Y - r, X + r, Y + r], fill=255)
    elif cls == "star":
        pts = []
        for i in range(10):
            a = -math.pi / 2 + i * math.pi / 5
            rr = R if i % 2 == 0 else R * 0.45
            pts.append((X + rr * math.cos(a), Y + rr * math.sin(a) + R * 0.08))
        d.polygon(pts, fill=255)
    elif cls == "heart":
        pts = []
        for i in range(60):
            t = 2 * math.pi * i / 60
            x = 16 * math.sin(t) ** 3
            y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
            pts.append((X + x * R / 16.5, Y - y * R / 16.5 - R * 0.05))
        d.polygon(pts, fill=255)
    elif cls == "ring":
        d.ellipse([X - R, Y - R, X + R, Y + R], fill=255)
        r = R * 0.5
        d.ellipse([X - r, Y - r, X + r, Y + r], fill=0)
    elif cls == "toy":  # teddy bear silhouette
        rb = R * 0.55
        d.ellipse([X - rb, Y + R * 0.45 - rb, X + rb, Y + R * 0.45 + rb], fill=255)
        rh = R * 0.42
        hy = Y - R * 0.22
        d.ellipse([X - rh, hy - rh, X + rh, hy + rh], fill=255)
        re_ = R * 0.2
        for sx in (-1, 1):
            ex, ey = X + sx * R * 0.36, Y - R * 0.62
            d.ellipse([ex - re_, ey - re_, ex + re_, ey + re_], fill=255)
    else:
        raise ValueError(cls)
    return m


def _secondary(rgb):
    lum = 0.3 * rgb[0] + 0.59 * rgb[1] + 0.11 * rgb[2]
    return (40, 40, 40) if lum > 170 else (250, 250, 250)


def _fill(design, cx, cy, s):
    """RGB fill image at SIZE*SS for a design dict in object-local coordinates."""
    W = SIZE * SS
    kind, c1, c2 = design["kind"], tuple(design["c1"]), tuple(design["c2"])
    img = Image.new("RGB", (W, W), c1)
    if kind == "solid":
        return img
    d = ImageDraw.Draw(img)
    S = s * SS
    x0, y0 = cx * SS - S / 2, cy * SS - S / 2
    if kind == "stripes":
        p = S / 4.0
        for k in range(5):
            y = y0 + k * p + p / 2
            d.rectangle([x0 - 4, y, x0 + S + 4, y + p / 2], fill=c2)
    elif kind == "halves":
        d.rectangle([cx * SS, 0, W, W], fill=c2)
    elif kind == "dots":
        p = S / 3.0
        r = p * 0.28
        for i in range(3):
            for j in range(3):
                x, y = x0 + p * (i + 0.5), y0 + p * (j + 0.5)
                d.ellipse([x - r, y - r, x + r, y + r], fill=c2)
    elif kind == "noise":  # photo-like: two colours blended by smooth noise, with light/dark variation
        g = np.random.default_rng(design.get("seed", 0))
        n = int(g.integers(3, 6))
        field = Image.fromarray((g.uniform(size=(n, n)) * 255).astype(np.uint8)).resize((W, W), Image.BICUBIC)
        shade = Image.fromarray((g.uniform(0.7, 1.15, size=(n + 2, n + 2)) * 200).astype(np.uint8)).resize((W, W), Image.BICUBIC)
        t = np.asarray(field, np.float32)[..., None] / 255.0
        v = np.asarray(shade, np.float32)[..., None] / 200.0
        rgb = (np.array(c1, np.float32) * (1 - t) + np.array(c2, np.float32) * t) * v
        return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    elif kind == "checker":
        p = S / 4.0
        for i in range(4):
            for j in range(4):
                if (i + j) % 2:
                    d.rectangle([x0 + i * p, y0 + j * p, x0 + (i + 1) * p, y0 + (j + 1) * p], fill=c2)
    else:
        raise ValueError(kind)
    return img


def named_design(color, pattern):
    c1 = COLORS[color]
    kind = {"solid": "solid", "striped": "stripes", "dotted": "dots", "checkered": "checker"}[pattern]
    return {"kind": kind, "c1": c1, "c2": _secondary(c1), "named": True, "hue": None}


def _hsv(h, s, v):
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (int(r * 255), int(g * 255), int(b * 255))


def random_design(rng, heldout=None, kinds=None):
    """Reference design the vocabulary cannot express: off-palette hue, two-tone.
    heldout: None any, False exclude held-out hues, True only held-out hues.
    kinds: the design kinds to draw from (default all of DESIGN_KINDS)."""
    kinds = kinds or DESIGN_KINDS
    while True:
        h1 = float(rng.uniform())
        ho = HELDOUT_HUE[0] <= h1 < HELDOUT_HUE[1]
        if heldout is None or ho == heldout:
            break
        if heldout:
            h1 = float(rng.uniform(*HELDOUT_HUE))
            break
    kind = kinds[rng.integers(len(kinds))]
    c1 = _hsv(h1, rng.uniform(0.55, 1.0), rng.uniform(0.55, 1.0))
    h2 = h1 + rng.uniform(0.25, 0.75)
    c2 = _hsv(h2, rng.uniform(0.3, 1.0), rng.uniform(0.35, 1.0))
    return {"kind": kind, "c1": c1, "c2": c2, "named": False, "hue": h1, "seed": int(rng.integers(1 << 30))}


# ----------------------------------------------------------------------------- backgrounds

def _background(name, rng):
    W = SIZE * SS
    img = Image.new("RGB", (W, W))
    d = ImageDraw.Draw(img)

    def j(c, a=12):  # jitter a base colour
        return tuple(int(np.clip(v + rng.integers(-a, a + 1), 0, 255)) for v in c)
    if name == "grass":
        base = j((70, 150, 60))
        d.rectangle([0, 0, W, W], fill=base)
        dark = tuple(max(0, v - 35) for v in base)
        for _ in range(60):
            x, y = rng.uniform(0, W), rng.uniform(0, W)
            d.line([x, y, x + rng.uniform(-6, 6), y - rng.uniform(8, 16)], fill=dark, width=3)
    elif name == "sky":
        top, bot = j((90, 150, 235)), j((180, 215, 250))
        for y in range(W):
            t = y / (W - 1)
            d.line([0, y, W, y], fill=tuple(int(a * (1 - t) + b * t) for a, b in zip(top, bot)))
        for _ in range(rng.integers(1, 3)):
            cx, cy, r = rng.uniform(0, W), rng.uniform(0, W * 0.8), rng.uniform(10, 18)
            for dx in (-r, 0, r):
                d.ellipse([cx + dx - r, cy - r * 0.7, cx + dx + r, cy + r * 0.7], fill=(250, 250, 252))
    elif name == "sand":
        base = j((225, 200, 140))
        d.rectangle([0, 0, W, W], fill=base)
        dark = tuple(max(0, v - 30) for v in base)
        ph = rng.uniform(0, 6.28)
        for k in range(8):
            y0 = k * 16 + 8
            pts = [(x, y0 + 3 * math.sin(x / 12 + ph + k)) for x in range(0, W + 4, 4)]
            d.line(pts, fill=dark, width=2)
    elif name == "water":
        base = j((30, 100, 170))
        d.rectangle([0, 0, W, W], fill=base)
        light = tuple(min(255, v + 50) for v in base)
        ph = rng.uniform(0, 6.28)
        for k in range(7):
            y0 = k * 19 + 6
            pts = [(x, y0 + 4 * math.sin(x / 8 + ph + 2 * k)) for x in range(0, W + 4, 4)]
            d.line(pts, fill=light, width=3)
    elif name == "brick":
        base, mortar = j((165, 65, 45)), j((205, 195, 180), 6)
        d.rectangle([0, 0, W, W], fill=mortar)
        bh, bw = 16, 32
        off = rng.integers(0, bw)
        for r in range(W // bh + 1):
            o = off + (bw // 2 if r % 2 else 0)
            for c in range(-1, W // bw + 2):
                x = c * bw + o - bw
                d.rectangle([x + 2, r * bh + 2, x + bw - 2, r * bh + bh - 2], fill=base)
    elif name == "wood":
        base = j((150, 100, 55))
        d.rectangle([0, 0, W, W], fill=base)
        dark = tuple(max(0, v - 40) for v in base)
        off = rng.integers(0, 24)
        for x in range(-24 + off, W, 24):
            d.line([x, 0, x, W], fill=dark, width=3)
        for _ in range(6):
            x, y = rng.uniform(0, W), rng.uniform(0, W)
            d.line([x, y, x, y + rng.uniform(10, 30)], fill=dark, width=1)
    elif name == "plain":
        d.rectangle([0, 0, W, W], fill=j((200, 200, 200), 30))
    else:
        raise ValueError(name)
    return img


def _down(img):
    return img.resize((SIZE, SIZE), Image.BOX)


# ----------------------------------------------------------------------------- scenes

def render(bg_name, objects, rng):
    """objects: list of dict(cls, design, cx, cy, s). Returns uint8 image [S,S,3] and
    visible soft masks uint8 [n,S,S]."""
    img = _background(bg_name, rng)
    full = []
    for o in objects:
        m = _shape_mask(o["cls"], o["cx"], o["cy"], o["s"])
        img.paste(_fill(o["design"], o["cx"], o["cy"], o["s"]), (0, 0), m)
        full.append(np.asarray(m, dtype=np.float32) / 255.0)
    vis = []
    for i, m in enumerate(full):
        v = m.copy()
        for m2 in full[i + 1:]:
            v *= 1.0 - m2
        vis.append(v)
    out = np.asarray(_down(img), dtype=np.uint8)
    masks = [np.asarray(_down(Image.fromarray((v * 255).astype(np.uint8))), dtype=np.uint8) for v in vis]
    return out, np.stack(masks) if masks else np.zeros((0, SIZE, SIZE), np.uint8)


def _place(rng, sizes):
    """Centres for objects of the given sizes; each tries 50 spots and keeps the one that
    overlaps the objects already placed least (no overlap as soon as one is found)."""
    boxes = []
    for s in sizes:
        lo, hi = s / 2 + 0.5, SIZE - s / 2 - 0.5
        best, best_gap = None, -1e9
        for _ in range(50):
            cx, cy = rng.uniform(lo, hi), rng.uniform(lo, hi)
            # gap > 0: separated along x or y (boxes shrunk by 5 %)
            gap = min((max(abs(cx - bx) * 2 - (s + bs) * 0.95, abs(cy - by) * 2 - (s + bs) * 0.95)
                       for bx, by, bs in boxes), default=1.0)
            if gap > best_gap:
                best, best_gap = (cx, cy), gap
            if gap > 0:
                break
        boxes.append((best[0], best[1], s))
    return boxes


def sample_scene(rng, split="train", p_custom=0.2, custom_kinds=None):
    """Returns a scene dict with image, masks, caption and attributes. custom_kinds: the design
    kinds of its uncoloured (custom-design) objects, default all."""
    n = int(rng.choice([1, 2], p=[0.35, 0.65]))
    if n == 1:
        sizes = [rng.uniform(15, 26)]
    else:
        sizes = [rng.uniform(11, 17) for _ in range(n)]
    boxes = _place(rng, sizes)
    bg = BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
    objs = []
    for (cx, cy, s) in boxes:
        cls = CLASSES[rng.integers(len(CLASSES))]
        if rng.uniform() < p_custom:
            design = random_design(rng, heldout=(None if split == "test" else False), kinds=custom_kinds)
            color, pattern = None, None
        else:
            while True:
                color = COLOR_NAMES[rng.integers(len(COLOR_NAMES))]
                if split == "test" or (color, cls) not in HELDOUT_COMBOS:
                    break
            pattern = PATTERNS[rng.integers(len(PATTERNS))] if rng.uniform() < P_PATTERN else "solid"
            design = named_design(color, pattern)
        objs.append(dict(cls=cls, design=design, color=color, pattern=pattern, cx=cx, cy=cy, s=s))
    # keep caption within MAXLEN: drop pattern words (render solid) while too long
    while len(caption_words(objs, bg)) > MAXLEN - 2:
        for o in objs:
            if o["pattern"] not in (None, "solid"):
                o["pattern"] = "solid"
                o["design"] = named_design(o["color"], "solid")
                break
        else:
            break
    image, masks = render(bg, objs, rng)
    return finish_scene(image, masks, objs, bg)


def caption_words(objs, bg):
    phrases = []
    for o in objs:
        w = ["a"]
        if o.get("color"):
            w.append(o["color"])
        if o.get("pattern") and o["pattern"] != "solid":
            w.append(o["pattern"])
        w.append(o["cls"])
        phrases.append(w)
    words = []
    for i, p in enumerate(phrases):
        if i > 0 and i == len(phrases) - 1:
            words.append("and")
        words += p
    return words + BG_PHRASE[bg].split()


def finish_scene(image, masks, objs, bg):
    words = caption_words(objs, bg)
    caption = " ".join(words)
    tokobj = np.zeros(MAXLEN, np.int8)  # 0 none, 1..3 object index+1, 4 background
    pos = 1
    oi = -1
    for w in words:
        if w == "a" and oi < len(objs) - 1 and pos < MAXLEN - 1:
            oi += 1
            pos += 1
            continue
        if pos < MAXLEN - 1:
            if w in COLOR_NAMES or w in PATTERNS or w in CLASSES:
                tokobj[pos] = oi + 1
            elif w in BG_WORDS:
                tokobj[pos] = 4
        pos += 1
    return dict(image=image, masks=masks, objects=objs, bg=bg, caption=caption,
                ids=np.array(tokenize(caption), np.int64), tokobj=tokobj)


def render_reference(rng, cls, design, s=None):
    """An instance alone on a plain background at a random size/position."""
    s = s if s is not None else rng.uniform(16, 24)
    lo, hi = s / 2 + 0.5, SIZE - s / 2 - 0.5
    o = dict(cls=cls, design=design, cx=rng.uniform(lo, hi), cy=rng.uniform(lo, hi), s=s)
    img, masks = render("plain", [o], rng)
    return img, masks[0]


def build_dataset(n, seed, split="train", p_custom=0.2, custom_kinds=None):
    """Arrays for training/eval. Deterministic in (n, seed, split, p_custom, custom_kinds)."""
    rng = np.random.default_rng(seed)
    S = SIZE
    out = dict(images=np.zeros((n, S, S, 3), np.uint8), masks=np.zeros((n, 3, S, S), np.uint8),
               ids=np.zeros((n, MAXLEN), np.int64), tokobj=np.zeros((n, MAXLEN), np.int8),
               nobj=np.zeros(n, np.int8), cls=np.full((n, 3), -1, np.int8),
               color=np.full((n, 3), -1, np.int8), pattern=np.full((n, 3), -1, np.int8),
               bg=np.zeros(n, np.int8), target=np.zeros(n, np.int8),
               ref=np.zeros((n, S, S, 3), np.uint8), ref2=np.zeros((n, S, S, 3), np.uint8))
    captions = []
    for i in range(n):
        sc = sample_scene(rng, split, p_custom, custom_kinds)
        k = len(sc["objects"])
        out["images"][i] = sc["image"]
        out["masks"][i, :k] = sc["masks"]
        out["ids"][i] = sc["ids"]
        out["tokobj"][i] = sc["tokobj"]
        out["nobj"][i] = k
        out["bg"][i] = BACKGROUNDS.index(sc["bg"])
        for j, o in enumerate(sc["objects"]):
            out["cls"][i, j] = CLASSES.index(o["cls"])
            out["color"][i, j] = COLOR_NAMES.index(o["color"]) if o["color"] else -1
            out["pattern"][i, j] = PATTERNS.index(o["pattern"]) if o["pattern"] else -1
        # reference target: prefer a custom-design object
        cust = [j for j, o in enumerate(sc["objects"]) if not o["design"]["named"]]
        t = cust[rng.integers(len(cust))] if cust else int(rng.integers(k))
        out["target"][i] = t
        o = sc["objects"][t]
        out["ref"][i] = render_reference(rng, o["cls"], o["design"])[0]
        out["ref2"][i] = render_reference(rng, o["cls"], o["design"])[0]
        captions.append(sc["caption"])
    out["captions"] = np.array(captions)
    return out


def area_stats(ds):
    """object-area fractions (visible mask > 0.5)."""
    m = ds["masks"] > 127
    areas = m.reshape(m.shape[0], 3, -1).mean(-1)
    obj = areas[ds["cls"] >= 0]
    largest = areas.max(1)

    def q(a):
        return {k: float(np.quantile(a, v)) for k, v in (("p10", .1), ("p25", .25), ("median", .5), ("p75", .75), ("p90", .9))}
    return {"object": q(obj), "largest_per_scene": q(largest), "mean_object": float(obj.mean()),
            "single_object_scenes": q(areas[ds["nobj"] == 1, 0])}
