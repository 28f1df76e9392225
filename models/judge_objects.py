"""Objects in a picture, one by one, for the per-object judge: connected regions of the judge's
objectness (1 - p(no object)), each named by the crop classifier (class) and the colour map
(majority colour inside the region). Used on generated images, where the true masks are unknown;
on the generator's own renders the true masks can be passed instead (the judge's ceiling)."""
import torch
import torch.nn.functional as F

CROP = 16


def components(on):
    """8-connected regions of a boolean map [B,S,S] -> int labels [B,S,S] (0 = off), by propagating
    the largest pixel index through each region (vectorised; at most S*S rounds, ~S in practice)."""
    B, S, _ = on.shape
    lab = (torch.arange(1, S * S + 1, dtype=torch.float32, device=on.device).view(1, S, S) * on).unsqueeze(1)
    m = on.unsqueeze(1).float()
    for _ in range(S * S):
        new = F.max_pool2d(lab, 3, stride=1, padding=1) * m
        if torch.equal(new, lab):
            break
        lab = new
    return lab[:, 0].long()


def crops(img, masks):
    """Square crops around each mask's bounding box (+1 px), CROP x CROP: img [N,3,S,S], masks [N,S,S]
    (float, > 0.5 = inside) -> [N,4,CROP,CROP] (RGB and the mask)."""
    N, _, S, _ = img.shape
    theta = torch.zeros(N, 2, 3, device=img.device)
    for n in range(N):
        ys, xs = torch.nonzero(masks[n] > 0.5, as_tuple=True)
        y0, y1, x0, x1 = ys.min().item(), ys.max().item() + 1, xs.min().item(), xs.max().item() + 1
        side = max(y1 - y0, x1 - x0) + 2
        theta[n, 0, 0] = theta[n, 1, 1] = side / S
        theta[n, 0, 2] = (x0 + x1) / S - 1
        theta[n, 1, 2] = (y0 + y1) / S - 1
    grid = F.affine_grid(theta, (N, 4, CROP, CROP), align_corners=False)
    x = torch.cat([img, masks.unsqueeze(1) * 2 - 1], 1)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


@torch.no_grad()
def find_objects(judge, img, min_area=12, none_below=0.15, outputs=None):
    """Per image, the objects the judge sees: [{area, cls, cls_p, color, color_share}] (a pixel is on an
    object when p(no object) < none_below: 0.15 finds the most objects on the generator's renders of
    {0.7, 0.5, 0.3, 0.15}, as it splits touching objects at their weaker border; class by the
    crop classifier; colour = majority of the colour map's argmax inside the region). `outputs`: the
    judge's outputs on `img` when the caller has them already."""
    _, cls_map, col_map = outputs if outputs is not None else judge(img)
    on = cls_map.softmax(1)[:, 0] < none_below
    lab = components(on)
    col = col_map.argmax(1)
    found = [[] for _ in range(img.shape[0])]
    regions = []
    for b in range(img.shape[0]):
        for v in lab[b].unique().tolist():
            if v == 0:
                continue
            m = lab[b] == v
            if int(m.sum()) >= min_area:
                regions.append((b, m))
    if not regions:
        return found
    p = judge.crop_net(crops(img[[b for b, _ in regions]], torch.stack([m.float() for _, m in regions]))).softmax(-1)
    for (b, m), pc in zip(regions, p):
        counts = torch.bincount(col[b][m], minlength=col_map.shape[1])
        found[b].append(dict(area=int(m.sum()), cls=int(pc.argmax()), cls_p=float(pc.max()),
                             color=int(counts.argmax()), color_share=float(counts.max() / m.sum())))
    return found


def drawn(objects, cls, color=None):
    """Whether a found object has class `cls` (and, when given, colour `color`)."""
    return any(o["cls"] == cls and (color is None or o["color"] == color) for o in objects)
