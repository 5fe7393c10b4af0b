package dev.trainingplanner.agent.gpu;

/** Finds the GPUs of this node. Implementations never invent GPUs: no source, no GPUs. */
public interface GpuInventoryProbe {

    GpuInventory probe();
}
