"""Pieces the Fashion-MNIST benchmark scripts share."""


def print_accuracy_table(results, epochs):
    """Print one row per epoch and one column per library.

    results: {library name: (epoch times, test accuracies)}.
    """
    names = list(results)
    print("epoch  " + "  ".join(f"{n + ' acc':>22}" for n in names))
    for e in range(epochs):
        print(f"{e + 1:>5}  " + "  ".join(f"{results[n][1][e]:>22.4f}" for n in names))
