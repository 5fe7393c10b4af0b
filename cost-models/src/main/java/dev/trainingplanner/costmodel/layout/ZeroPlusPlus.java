package dev.trainingplanner.costmodel.layout;

import static dev.trainingplanner.costmodel.InvalidInputException.positive;

/**
 * ZeRO++ options (cost-models.md §7.2); all need ZeRO stage 3.
 *
 * @param quantizedWeights qwZ: int8 forward weight all-gather
 * @param hpzGroupSize hpZ: size of the secondary weight partition group (1 = off, ideally GPUs per node)
 * @param quantizedGradients qgZ: int4 hierarchical all-to-all gradient reduction
 */
public record ZeroPlusPlus(boolean quantizedWeights, int hpzGroupSize, boolean quantizedGradients) {

    public static final ZeroPlusPlus NONE = new ZeroPlusPlus(false, 1, false);

    public ZeroPlusPlus {
        positive("hpZ group size", hpzGroupSize);
    }

    public boolean any() {
        return quantizedWeights || hpzGroupSize > 1 || quantizedGradients;
    }
}
