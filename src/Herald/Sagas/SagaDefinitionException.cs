namespace Herald.Sagas;

/// <summary>
/// The saga's definition is wrong (found when it is built, at <c>AddSaga</c>), or a handler broke it at run time (returned a
/// step its transition does not declare, scheduled an undeclared timeout). Never transient: the event is dead-lettered.
/// </summary>
public sealed class SagaDefinitionException : SagaException
{
    public SagaDefinitionException(string message)
        : base(message)
    {
    }

    public override bool IsTransient => false;
}
