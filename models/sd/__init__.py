"""Stable Diffusion 1.5 + IP-Adapter conversion: checkpoint readers, clean-room modules, ONNX export."""
